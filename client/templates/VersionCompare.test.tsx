import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ComparisonView, describeDifference, type Comparison } from './VersionCompare';

const interval = (rate: number | null) => ({ rate, low: rate, high: rate });
const stats = (version: number, sent: Record<string, [number, number]>): Comparison['a'] => ({
  key: 'recall_sms',
  version,
  current: 2,
  versions: [],
  control: 'a',
  metric: 'clicks',
  winner: null,
  variants: Object.entries(sent).map(([key, [n, clicks]]) => ({
    key,
    name: key,
    weight: 50,
    sent: n,
    clicks,
    conversions: 0,
    clickRate: interval(n ? clicks / n : null),
    conversionRate: interval(n ? 0 : null),
    vsControl: null,
  })),
});

describe('two template versions compared', () => {
  it('words the difference with its interval and p-value', () => {
    expect(describeDifference({ a: 0.1, b: 0.121, difference: 0.021, lo: -0.004, hi: 0.046, pValue: 0.0981 })).toBe('+2.1 pp (−0.4 pp to +4.6 pp, p = 0.098)');
    expect(describeDifference({ a: null, b: 0.1, difference: null, lo: -1, hi: 1, pValue: null })).toBe('no sends in one of the versions yet');
  });

  it('puts each variant of both versions side by side, a variant missing from one shown as nothing sent', () => {
    const c: Comparison = {
      key: 'recall_sms',
      a: stats(1, { a: [100, 10], b: [100, 20] }),
      b: stats(2, { b: [200, 50] }),
      clickRate: { a: 0.15, b: 0.25, difference: 0.1, lo: 0.02, hi: 0.18, pValue: 0.02 },
      conversionRate: { a: 0, b: 0, difference: 0, lo: -0.02, hi: 0.02, pValue: null },
    };
    const html = renderToStaticMarkup(<ComparisonView c={c} />);
    expect(html).toContain('Version 1');
    expect(html).toContain('Version 2 (current)');
    expect(html).toMatch(/data-variant="a"><th scope="row">A<\/th><td class="num">100<\/td><td>10.0%<\/td><td>0.0%<\/td><td class="num">0<\/td><td>–<\/td>/);
    expect(html).toContain('click rate <strong>+10.0 pp (+2.0 pp to +18.0 pp, p = 0.020)</strong>');
  });
});
