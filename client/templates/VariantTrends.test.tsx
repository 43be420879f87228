import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { variantRows, VariantTrendsChart, type TemplateTrends } from './VariantTrends';

const band = (rate: number | null, low: number | null, high: number | null) => ({ rate, low, high });
const t: TemplateTrends = {
  timezone: 'Asia/Shanghai',
  version: 3,
  variants: ['a', 'b'],
  days: [
    { day: '2026-11-02', variant: 'a', sent: 100, clicks: 10, clickRate: band(0.1, 0.0552, 0.1744), conversions: 3, conversionRate: band(0.03, 0.0103, 0.0845) },
    { day: '2026-11-02', variant: 'b', sent: 0, clicks: 0, clickRate: band(null, null, null), conversions: 0, conversionRate: band(null, null, null) },
    { day: '2026-11-03', variant: 'a', sent: 50, clicks: 2, clickRate: band(0.04, 0.011, 0.1346), conversions: 0, conversionRate: band(0, 0, 0.0713) },
    { day: '2026-11-03', variant: 'b', sent: 40, clicks: 8, clickRate: band(0.2, 0.105, 0.3466), conversions: 2, conversionRate: band(0.05, 0.0138, 0.165) },
  ],
};

describe('variant click rate per day', () => {
  it('one row per day, each variant’s rate and band in percent, nothing where it sent nothing', () => {
    expect(variantRows(t)).toEqual([
      { day: '11-02', a_sent: 100, a_rate: 10, a_band: [5.5, 17.4], b_sent: 0, b_rate: null, b_band: null },
      { day: '11-03', a_sent: 50, a_rate: 4, a_band: [1.1, 13.5], b_sent: 40, b_rate: 20, b_band: [10.5, 34.7] },
    ]);
  });
  it('reads the conversion rate and its band instead when asked', () => {
    expect(variantRows(t, 'conversions')[1]).toEqual({ day: '11-03', a_sent: 50, a_rate: 0, a_band: [0, 7.1], b_sent: 40, b_rate: 5, b_band: [1.4, 16.5] });
    expect(renderToStaticMarkup(<VariantTrendsChart trends={t} metric="conversions" />)).toContain('Conversion rate (the journey’s first goal, credited as in the results table) of each day’s sends');
  });
  it('draws the chart and names the version, the band and the zone; says so when the version sent nothing', () => {
    const html = renderToStaticMarkup(<VariantTrendsChart trends={t} />);
    expect(html).toContain('recharts-wrapper');
    expect(html).toContain('version 3, per variant, with its 95% Wilson band; days in Asia/Shanghai');
    expect(renderToStaticMarkup(<VariantTrendsChart trends={{ ...t, variants: [], days: [] }} />)).toContain('No sends of version 3 in these days.');
  });
});
