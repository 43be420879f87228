import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ChannelTable, formatRoi } from './ChannelRoi';

const row = { sent: 377, delivered: 377, clicked: 20, converted: 77, units: 754, cost: 33.93, costPerConversion: 0.44 };

describe('channel ROI table', () => {
  it('shows sends and conversions, cost and cost per conversion, loans, revenue and ROI per channel', () => {
    const html = renderToStaticMarkup(
      <ChannelTable
        goal="app_login"
        rows={[
          { channel: 'sms', ...row, loans: 12, revenue: 2880, roi: 83.88 },
          { channel: 'voice', ...row, cost: 60, costPerConversion: 0.78, loans: 0, revenue: 0, roi: -1 },
        ]}
      />,
    );
    expect(html).toContain('Sent · converted (app_login)');
    expect(html).toMatch(
      /data-channel="sms"><th scope="row">SMS<\/th><td class="num">377 · 77<\/td><td class="num">¥33.93 · ¥0.44<\/td><td class="num" data-testid="roi">12 · ¥2,880 · \+8,388.0%<\/td>/,
    );
    expect(html).toContain('0 · ¥0 · −100.0%');
  });
  it('without the assumptions, or loans untracked, it says nothing about revenue', () => {
    const html = renderToStaticMarkup(<ChannelTable goal={null} rows={[{ channel: 'sms', ...row, loans: null, revenue: null, roi: null }]} />);
    expect(html).toContain('– · – · –');
  });
  it('writes ROI signed', () => {
    expect(formatRoi(3)).toBe('+300.0%');
    expect(formatRoi(-0.45)).toBe('−45.0%');
    expect(formatRoi(null)).toBe('–');
  });
});
