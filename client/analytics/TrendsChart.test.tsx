import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { chartRows, TrendsChart, type Trends } from './TrendsChart';

const trends: Trends = {
  timezone: 'Asia/Shanghai',
  goal: 'app_login',
  channels: ['sms', 'voice'],
  days: [
    { day: '2026-11-02', entered: 120, sent: { sms: 100 }, converted: 4, cost: 4.5 },
    { day: '2026-11-03', entered: 0, sent: {}, converted: 9, cost: 0 },
    { day: '2026-11-04', entered: 3, sent: { sms: 2, voice: 30 }, converted: 6, cost: 3.69 },
  ],
};

describe('daily chart', () => {
  it('flattens sends per channel into one row per day, zero where nothing went', () => {
    expect(chartRows(trends)).toEqual([
      { day: '11-02', entered: 120, converted: 4, cost: 4.5, sent_sms: 100, sent_voice: 0 },
      { day: '11-03', entered: 0, converted: 9, cost: 0, sent_sms: 0, sent_voice: 0 },
      { day: '11-04', entered: 3, converted: 6, cost: 3.69, sent_sms: 2, sent_voice: 30 },
    ]);
  });

  it('draws an SVG chart and names the range, the zone and the totals', () => {
    const html = renderToStaticMarkup(<TrendsChart trends={trends} />);
    expect(html).toContain('aria-label="Daily chart"');
    expect(html).toContain('recharts-wrapper');
    expect(html).toContain('2026-11-02 to 2026-11-04 (Asia/Shanghai): 123 entered, 19 converted, ¥8.19.');
  });
});
