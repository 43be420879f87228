import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { erfc, newcombeDifference, normalCdf, normalQuantile, relativeDifference, sampleSizePerArm, twoProportionZTest, uplift, wilson } from './stats';

/** The published values are given to 4 decimals. */
const to4 = (v: { lo: number; hi: number }) => [Number(v.lo.toFixed(4)), Number(v.hi.toFixed(4))];

describe('the statistics of uplift, against published reference values', () => {
  it('normal CDF and quantile: the familiar values, and each the inverse of the other', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(0)).toBe(0.5);
    expect(erfc(0)).toBe(1);
    // erfc(1) and erfc(3) to 15 places (Abramowitz & Stegun, table 7.1)
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 14);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 17);
    fc.assert(fc.property(fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), (p) => Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-12));
  });

  it('Wilson interval: 81/263 is 0.2553 to 0.3662 (Newcombe 1998a, method 3)', () => {
    expect(to4(wilson({ x: 81, n: 263 }))).toEqual([0.2553, 0.3662]);
    // an empty arm says nothing; 0/n and n/n stay inside [0, 1]
    expect(wilson({ x: 0, n: 0 })).toEqual({ lo: 0, hi: 1 });
    expect(wilson({ x: 0, n: 10 }).lo).toBe(0);
    expect(wilson({ x: 10, n: 10 }).hi).toBe(1);
  });

  it("Newcombe's hybrid score interval for a difference: 56/70 − 48/80 is 0.0524 to 0.3339, 9/10 − 3/10 is 0.1705 to 0.8090 (Newcombe 1998b, method 10)", () => {
    expect(to4(newcombeDifference({ x: 56, n: 70 }, { x: 48, n: 80 }))).toEqual([0.0524, 0.3339]);
    expect(to4(newcombeDifference({ x: 9, n: 10 }, { x: 3, n: 10 }))).toEqual([0.1705, 0.809]);
  });

  it('two-proportion z-test: 56/70 vs 48/80 gives z 2.650, p 0.0080', () => {
    const t = twoProportionZTest({ x: 56, n: 70 }, { x: 48, n: 80 });
    expect(t?.z).toBeCloseTo(2.6501719512585336, 10);
    expect(t?.p).toBeCloseTo(0.008045081368196568, 10);
    expect(twoProportionZTest({ x: 120, n: 1000 }, { x: 90, n: 1000 })?.p).toBeCloseTo(0.028650240398448486, 10);
    expect(twoProportionZTest({ x: 0, n: 10 }, { x: 0, n: 10 })).toBeNull();
    expect(twoProportionZTest({ x: 1, n: 0 }, { x: 0, n: 10 })).toBeNull();
  });

  it('relative difference with the Katz log interval', () => {
    const r = relativeDifference({ x: 120, n: 1000 }, { x: 90, n: 1000 });
    expect(r?.estimate).toBeCloseTo(1 / 3, 12);
    // ln(4/3) ± 1.96 · sqrt(1/120 − 1/1000 + 1/90 − 1/1000)
    const se = Math.sqrt(1 / 120 - 1 / 1000 + 1 / 90 - 1 / 1000);
    expect(r?.lo).toBeCloseTo((4 / 3) * Math.exp(-1.959963984540054 * se) - 1, 10);
    expect(r?.hi).toBeCloseTo((4 / 3) * Math.exp(1.959963984540054 * se) - 1, 10);
    expect(relativeDifference({ x: 5, n: 100 }, { x: 0, n: 100 })).toBeNull();
  });

  it('sample size per arm: 5% vs 10% at α 0.05, power 0.8 needs 435 (Fleiss, no continuity correction)', () => {
    expect(sampleSizePerArm(0.1, 0.05)).toBe(435);
    expect(sampleSizePerArm(0.3, 0.3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('uplift: rates, intervals, incremental conversions and their cost; "not enough data" with the sample needed', () => {
    const u = uplift({ x: 120, n: 1000 }, { x: 90, n: 1000 }, { cost: 300 });
    expect(u.absolute.estimate).toBeCloseTo(0.03, 12);
    expect(u.absolute.lo).toBeGreaterThan(0);
    expect(u.pValue).toBeCloseTo(0.02865, 5);
    expect(u.incremental).toBeCloseTo(30, 9);
    expect(u.costPerIncremental).toBeCloseTo(10, 9);
    expect(u.enoughData).toBe(true);
    expect(u.neededPerArm).toBeNull();

    const thin = uplift({ x: 6, n: 50 }, { x: 4, n: 50 });
    expect(thin.enoughData).toBe(false);
    expect(thin.neededPerArm).toBe(sampleSizePerArm(0.12, 0.08));
    expect(thin.neededPerArm).toBeGreaterThan(50);
    // nothing incremental: no cost per incremental conversion
    expect(uplift({ x: 5, n: 100 }, { x: 9, n: 100 }, { cost: 50 }).costPerIncremental).toBeNull();
  });

  it('the difference interval always holds the observed difference and stays within [−1, 1]', () => {
    const arm = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.record({ n: fc.constant(n), x: fc.integer({ min: 0, max: n }) }));
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const d = newcombeDifference(a, b);
        const est = a.x / a.n - b.x / b.n;
        return d.lo <= est + 1e-12 && est <= d.hi + 1e-12 && d.lo >= -1 - 1e-12 && d.hi <= 1 + 1e-12;
      }),
    );
  });
});
