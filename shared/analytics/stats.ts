/**
 * The statistics behind uplift over a holdout: pure functions on counts, no
 * I/O, checked against published reference values (stats.test.ts).
 *
 * - Wilson score interval for one proportion (Wilson 1927; Newcombe 1998a, method 3).
 * - Newcombe's hybrid score interval for a difference of two independent
 *   proportions (Newcombe 1998b, method 10), built from the two Wilson intervals.
 * - The pooled two-proportion z-test, two-sided.
 * - Relative uplift (a risk ratio minus one) with the Katz log interval.
 * - The sample size per arm to detect a difference (normal approximation).
 */

export interface Proportion {
  /** contacts who converted */
  x: number;
  /** contacts in the arm */
  n: number;
}

export interface Interval {
  lo: number;
  hi: number;
}

/** Φ(z), the standard normal CDF, through erfc (W. J. Cody's rational approximations, |error| < 1e-15 relative). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Φ⁻¹(p) for 0 < p < 1 (P. J. Acklam's algorithm with one Halley step: full double precision). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  // one Halley step against the precise CDF
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** erfc(x), W. J. Cody (1969) rational Chebyshev approximations. */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 0.5) {
    const t = x * x;
    const top = (((0.18577770618460315 * t + 3.1611237438705655) * t + 113.86415415105016) * t + 377.485237685302) * t + 3209.3775891384694;
    const bot = (((t + 23.601290952344122) * t + 244.02463793444417) * t + 1282.6165260773723) * t + 2844.236833439171;
    return 1 - (x * top) / bot;
  } else if (ax < 4) {
    const top =
      (((((((2.1531153547440383e-8 * ax + 0.5641884969886701) * ax + 8.883149794388377) * ax + 66.11919063714163) * ax + 298.6351381974001) * ax + 881.952221241769) * ax + 1712.0476126340707) * ax +
        2051.0783778260716) *
        ax +
      1230.3393547979972;
    const bot =
      (((((((ax + 15.744926110709835) * ax + 117.6939508913125) * ax + 537.1811018620099) * ax + 1621.3895745666903) * ax + 3290.7992357334597) * ax + 4362.619090143247) * ax + 3439.3676741437216) *
        ax +
      1230.3393548037495;
    r = Math.exp(-ax * ax) * (top / bot);
  } else {
    const z = 1 / (ax * ax);
    const top = ((((0.016315387137302097 * z + 0.30532663496123236) * z + 0.36034489994980445) * z + 0.12578172611122926) * z + 0.016083785148742275) * z + 0.0006587491615298378;
    const bot = ((((z + 2.568520192289822) * z + 1.8729528499234673) * z + 0.5279051029514285) * z + 0.06051834131244132) * z + 0.0023352049762686918;
    r = (Math.exp(-ax * ax) / ax) * (1 / Math.sqrt(Math.PI) - (z * top) / bot);
  }
  return x < 0 ? 2 - r : r;
}

const zFor = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2);

/** Wilson score interval for x/n; n = 0 gives [0, 1] (nothing is known). */
export function wilson({ x, n }: Proportion, confidence = 0.95): Interval {
  if (n === 0) return { lo: 0, hi: 1 };
  const z = zFor(confidence);
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  // none or all converted: the bound on that side is exact (rounding would leave it a hair off)
  return { lo: x === 0 ? 0 : Math.max(0, (centre - spread) / denom), hi: x === n ? 1 : Math.min(1, (centre + spread) / denom) };
}

/** Newcombe's hybrid score interval for p1 − p2 (method 10). */
export function newcombeDifference(a: Proportion, b: Proportion, confidence = 0.95): Interval {
  const p1 = a.n ? a.x / a.n : 0;
  const p2 = b.n ? b.x / b.n : 0;
  const w1 = wilson(a, confidence);
  const w2 = wilson(b, confidence);
  const d = p1 - p2;
  return {
    lo: d - Math.sqrt((p1 - w1.lo) ** 2 + (w2.hi - p2) ** 2),
    hi: d + Math.sqrt((w1.hi - p1) ** 2 + (p2 - w2.lo) ** 2),
  };
}

/** The pooled two-proportion z-test: z and the two-sided p-value (null when a rate cannot be tested: an empty arm, or 0 or 100% pooled). */
export function twoProportionZTest(a: Proportion, b: Proportion): { z: number; p: number } | null {
  if (a.n === 0 || b.n === 0) return null;
  const pooled = (a.x + b.x) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  if (se === 0) return null;
  const z = (a.x / a.n - b.x / b.n) / se;
  return { z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

/** p1/p2 − 1 with the Katz log interval; null when a rate is 0 (the ratio or its interval is undefined). */
export function relativeDifference(a: Proportion, b: Proportion, confidence = 0.95): (Interval & { estimate: number }) | null {
  if (a.x === 0 || b.x === 0 || a.n === 0 || b.n === 0) return null;
  const rr = a.x / a.n / (b.x / b.n);
  const se = Math.sqrt(1 / a.x - 1 / a.n + 1 / b.x - 1 / b.n);
  const z = zFor(confidence);
  return { estimate: rr - 1, lo: rr * Math.exp(-z * se) - 1, hi: rr * Math.exp(z * se) - 1 };
}

/**
 * Contacts per arm to detect p1 vs p2 with a two-sided test at `alpha` and
 * `power` (Fleiss, Statistical Methods for Rates and Proportions, without
 * continuity correction). Infinity when the rates are equal.
 */
export function sampleSizePerArm(p1: number, p2: number, { alpha = 0.05, power = 0.8 } = {}): number {
  if (p1 === p2) return Number.POSITIVE_INFINITY;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const pbar = (p1 + p2) / 2;
  const n = (za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2;
  return Math.ceil(n);
}

export interface Uplift {
  treated: Proportion & { rate: number };
  holdout: Proportion & { rate: number };
  /** p_treated − p_holdout, with Newcombe's 95% interval */
  absolute: Interval & { estimate: number };
  /** p_treated / p_holdout − 1, with the Katz 95% interval; null when a rate is 0 */
  relative: (Interval & { estimate: number }) | null;
  /** two-sided pooled z-test; null when untestable */
  pValue: number | null;
  /** conversions the journey caused among the treated: (p_t − p_h) × n_t, at least 0 */
  incremental: number;
  /** the treated arm's cost per incremental conversion; null without a cost or without incremental conversions */
  costPerIncremental: number | null;
  /**
   * Whether the interval says anything yet: it excludes 0, or is narrower than
   * `minDetectable`. When not, `neededPerArm` is the sample each arm needs to
   * detect the observed difference (or `minDetectable` when there is none).
   */
  enoughData: boolean;
  neededPerArm: number | null;
}

/**
 * Treated vs holdout for one funnel step: rates, absolute and relative uplift
 * with 95% intervals, the p-value, incremental conversions and their cost.
 */
export function uplift(treated: Proportion, holdout: Proportion, { cost = null as number | null, minDetectable = 0.01 } = {}): Uplift {
  const rate = (p: Proportion) => (p.n ? p.x / p.n : 0);
  const pt = rate(treated);
  const ph = rate(holdout);
  const diff = newcombeDifference(treated, holdout);
  const test = twoProportionZTest(treated, holdout);
  const incremental = Math.max(0, (pt - ph) * treated.n);
  const excludesZero = diff.lo > 0 || diff.hi < 0;
  const narrow = diff.hi - diff.lo <= 2 * minDetectable;
  const enoughData = treated.n > 0 && holdout.n > 0 && (excludesZero || narrow);
  const target = Math.abs(pt - ph) >= minDetectable ? pt : ph + minDetectable;
  return {
    treated: { ...treated, rate: pt },
    holdout: { ...holdout, rate: ph },
    absolute: { estimate: pt - ph, ...diff },
    relative: relativeDifference(treated, holdout),
    pValue: test?.p ?? null,
    incremental,
    costPerIncremental: cost !== null && incremental >= 1 ? cost / incremental : null,
    enoughData,
    neededPerArm: enoughData ? null : sampleSizePerArm(Math.min(Math.max(target, 0.0001), 0.9999), Math.min(Math.max(ph, 0.0001), 0.9999)),
  };
}
