import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pickWinner, twoProportionTest, wilson } from './abStats';

describe('wilson', () => {
  it('matches hand-computed intervals', () => {
    // 80 clicks of 1000: p = 0.08, z² = 3.8415, centre 0.081607, half-width 0.016859
    const w = wilson(80, 1000);
    expect(w.rate).toBe(0.08);
    expect(w.low).toBeCloseTo(0.064748, 5);
    expect(w.high).toBeCloseTo(0.098466, 5);
  });

  it('gives the classic 0/10 upper bound of 27.75 %', () => {
    expect(wilson(0, 10)).toEqual({ rate: 0, low: 0, high: expect.closeTo(0.277533, 5) });
    expect(wilson(10, 10)).toEqual({ rate: 1, low: expect.closeTo(0.722467, 5), high: 1 });
  });

  it('is symmetric around one half', () => {
    const w = wilson(1, 2);
    expect(w.low).toBeCloseTo(0.094531, 5);
    expect(w.high).toBeCloseTo(0.905469, 5);
  });

  it('is all null when nothing was sent', () => {
    expect(wilson(0, 0)).toEqual({ rate: null, low: null, high: null });
  });

  it('narrows with a smaller z', () => {
    const wide = wilson(50, 1000);
    const narrow = wilson(50, 1000, 1.644854);
    expect(narrow.low).toBeGreaterThan(wide.low ?? 1);
    expect(narrow.high).toBeLessThan(wide.high ?? 0);
  });

  it('rejects impossible counts', () => {
    expect(() => wilson(5, 4)).toThrow(RangeError);
    expect(() => wilson(-1, 4)).toThrow(RangeError);
    expect(() => wilson(1.5, 4)).toThrow(RangeError);
    expect(() => wilson(1, 4, 0)).toThrow(RangeError);
  });

  it('contains the observed rate and stays within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        ([s, n], z) => {
          const w = wilson(s, n, z);
          expect(w.rate).toBe(s / n);
          const { rate, low, high } = w as { rate: number; low: number; high: number };
          expect(low).toBeGreaterThanOrEqual(0);
          expect(high).toBeLessThanOrEqual(1);
          expect(low).toBeLessThanOrEqual(rate);
          expect(high).toBeGreaterThanOrEqual(rate);
        },
      ),
    );
  });
});

describe('twoProportionTest', () => {
  it('1000 sends with 80 clicks vs 1000 with 50 is significant at 1 %', () => {
    // pooled p = 0.065, se = √(0.065·0.935·0.002) = 0.011025, z = 0.03 / 0.011025 = 2.7211, p = 0.00651
    const r = twoProportionTest({ successes: 80, trials: 1000 }, { successes: 50, trials: 1000 });
    expect(r?.diff).toBeCloseTo(0.03, 12);
    expect(r?.z).toBeCloseTo(2.721095, 5);
    expect(r?.pValue).toBeCloseTo(0.0065066, 6);
  });

  it('is antisymmetric in its arguments', () => {
    const ab = twoProportionTest({ successes: 80, trials: 1000 }, { successes: 50, trials: 1000 });
    const ba = twoProportionTest({ successes: 50, trials: 1000 }, { successes: 80, trials: 1000 });
    expect(ba?.diff).toBeCloseTo(-(ab?.diff ?? 0), 12);
    expect(ba?.z).toBeCloseTo(-(ab?.z ?? 0), 12);
    expect(ba?.pValue).toBeCloseTo(ab?.pValue ?? 0, 12);
  });

  it.each([
    // [a, b, z, p] from the normal table (scipy.stats.norm.sf)
    [120, 2000, 100, 2000, 1.387084, 0.1654162],
    [60, 1000, 50, 1000, 0.9808165, 0.3266833],
    [30, 500, 10, 500, 3.2274861, 0.0012488],
    [1, 1, 0, 1, 1.4142136, 0.1572992],
  ])('%i/%i vs %i/%i: z = %f, p = %f', (s1, n1, s2, n2, z, p) => {
    const r = twoProportionTest({ successes: s1, trials: n1 }, { successes: s2, trials: n2 });
    expect(r?.z).toBeCloseTo(z, 6);
    expect(r?.pValue).toBeCloseTo(p, 6);
  });

  it('equal rates give z = 0 and p = 1', () => {
    expect(twoProportionTest({ successes: 5, trials: 100 }, { successes: 5, trials: 100 })).toEqual({ diff: 0, z: 0, pValue: expect.closeTo(1, 7) });
  });

  it('is null when a side has no trials or nobody / everybody converted', () => {
    expect(twoProportionTest({ successes: 0, trials: 0 }, { successes: 5, trials: 100 })).toBeNull();
    expect(twoProportionTest({ successes: 5, trials: 100 }, { successes: 0, trials: 0 })).toBeNull();
    expect(twoProportionTest({ successes: 0, trials: 100 }, { successes: 0, trials: 100 })).toBeNull();
    expect(twoProportionTest({ successes: 100, trials: 100 }, { successes: 50, trials: 50 })).toBeNull();
  });

  it('rejects impossible counts', () => {
    expect(() => twoProportionTest({ successes: 11, trials: 10 }, { successes: 1, trials: 10 })).toThrow(RangeError);
  });

  it('p is in [0, 1] and never rises as |z| grows', () => {
    const counts = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.record({ successes: fc.integer({ min: 0, max: n }), trials: fc.constant(n) }));
    fc.assert(
      fc.property(counts, counts, counts, counts, (a1, b1, a2, b2) => {
        const r1 = twoProportionTest(a1, b1);
        const r2 = twoProportionTest(a2, b2);
        for (const r of [r1, r2]) {
          if (r) expect(r.pValue).toBeGreaterThanOrEqual(0);
          if (r) expect(r.pValue).toBeLessThanOrEqual(1);
        }
        if (r1 && r2 && Math.abs(r1.z) < Math.abs(r2.z)) expect(r1.pValue).toBeGreaterThanOrEqual(r2.pValue);
      }),
    );
  });
});

describe('normal tail accuracy (through the z-test)', () => {
  // 1,000,000 sends a side, 50,000 control successes; z and p from scipy.stats.norm.sf
  it.each([
    [50606, 1.9605059, 0.049936690959],
    [50797, 2.5761066, 0.009991984983],
    [51019, 3.2902382, 0.0010010260565],
  ])('%i vs 50000 successes: z = %f, p = %f (≈ 0.05, 0.01, 0.001)', (s1, z, p) => {
    const r = twoProportionTest({ successes: s1, trials: 1_000_000 }, { successes: 50_000, trials: 1_000_000 });
    expect(r?.z).toBeCloseTo(z, 6);
    expect(Math.abs((r?.pValue ?? 0) - p) / p).toBeLessThan(1e-6);
  });

  it.each([
    [51552, 4.9987696, 5.769728946e-7],
    [51866, 6.0013448, 1.9568998201e-9],
  ])('keeps relative accuracy far in the tail: %i vs 50000, z = %f, p = %f', (s1, z, p) => {
    const r = twoProportionTest({ successes: s1, trials: 1_000_000 }, { successes: 50_000, trials: 1_000_000 });
    expect(r?.z).toBeCloseTo(z, 6);
    expect(Math.abs((r?.pValue ?? 0) - p) / p).toBeLessThan(2e-6);
  });
});

describe('pickWinner', () => {
  const v = (key: string, sent: number, successes: number) => ({ key, sent, successes });

  it('picks the variant that significantly beats the control and says why', () => {
    const w = pickWinner([v('a', 1000, 50), v('b', 1000, 80)], 'a');
    expect(w?.key).toBe('b');
    expect(w?.reason).toBe('b: 8.00% (80/1000) vs control a: 5.00% (50/1000), +3.00 points, p = 0.0065 < 0.05');
  });

  it('is null while the difference is within noise', () => {
    expect(pickWinner([v('a', 1000, 50), v('b', 1000, 60)], 'a')).toBeNull();
  });

  it('is null when the challenger is significantly worse: keeping the control is the default, not a win', () => {
    expect(pickWinner([v('a', 1000, 80), v('b', 1000, 50)], 'a')).toBeNull();
  });

  it('is null when nothing was sent or nobody clicked', () => {
    expect(pickWinner([v('a', 0, 0), v('b', 1000, 80)], 'a')).toBeNull();
    expect(pickWinner([v('a', 1000, 0), v('b', 1000, 0)], 'a')).toBeNull();
    expect(pickWinner([v('a', 1000, 50)], 'a')).toBeNull();
  });

  it('among significant winners, takes the highest rate', () => {
    const w = pickWinner([v('a', 2000, 100), v('b', 2000, 160), v('c', 2000, 190), v('d', 100, 20)], 'a');
    // d has the highest rate (20 %) and beats 5 % significantly even on 100 sends
    expect(w?.key).toBe('d');
    expect(pickWinner([v('a', 2000, 100), v('b', 2000, 160), v('c', 2000, 190)], 'a')?.key).toBe('c');
  });

  it('skips a higher-rate variant whose lead is not yet significant', () => {
    // e: 10 % on 40 sends is noise (p ≈ 0.16); b: 8 % on 2000 is not
    expect(pickWinner([v('a', 2000, 100), v('b', 2000, 160), v('e', 40, 4)], 'a')?.key).toBe('b');
  });

  it('a stricter alpha turns a winner into no winner', () => {
    expect(pickWinner([v('a', 1000, 50), v('b', 1000, 80)], 'a', 0.01)?.key).toBe('b');
    expect(pickWinner([v('a', 1000, 50), v('b', 1000, 80)], 'a', 0.005)).toBeNull();
  });

  it('the control can be any variant', () => {
    expect(pickWinner([v('b', 1000, 80), v('a', 1000, 50)], 'a')?.key).toBe('b');
  });

  it('breaks ties by p, then by key', () => {
    expect(pickWinner([v('a', 1000, 50), v('c', 1000, 90), v('b', 1000, 90)], 'a')?.key).toBe('b');
    expect(pickWinner([v('a', 1000, 50), v('b', 1000, 90), v('c', 3000, 270)], 'a')?.key).toBe('c');
  });

  it('rejects an unknown control and a nonsense alpha', () => {
    expect(() => pickWinner([v('a', 10, 1)], 'z')).toThrow(RangeError);
    expect(() => pickWinner([v('a', 10, 1)], 'a', 0)).toThrow(RangeError);
    expect(() => pickWinner([v('a', 10, 1)], 'a', 1)).toThrow(RangeError);
  });
});
