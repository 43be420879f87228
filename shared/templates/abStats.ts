/**
 * A/B statistics for message variants: is variant B's click (or conversion)
 * rate really better than the control's, or is it noise? Pure arithmetic so
 * the analytics panel and the server agree to the last digit.
 */

interface Counts {
  successes: number;
  trials: number;
}

function assertCounts({ successes, trials }: Counts, what: string): void {
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`${what}: trials must be a whole number ≥ 0 (got ${trials})`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`${what}: successes must be a whole number between 0 and ${trials} (got ${successes})`);
  }
}

/**
 * Wilson score interval for a rate (95 % with the default z). Chosen over the
 * textbook p ± z·√(p(1−p)/n) because that one collapses to a zero-width
 * interval at 0 or 100 % and spills outside [0, 1] for the small counts and
 * ~1 % rates lifecycle messages live at; Wilson stays inside and stays honest.
 *
 * `null`s when nothing was sent: there is no rate to show. The bounds are
 * clamped to [0, 1] and to contain the observed rate, which only absorbs float
 * rounding at the edges (at 0 successes the exact lower bound is 0).
 */
export function wilson(successes: number, trials: number, z = 1.959964): { rate: number | null; low: number | null; high: number | null } {
  assertCounts({ successes, trials }, 'wilson');
  if (!(z > 0) || !Number.isFinite(z)) throw new RangeError(`wilson: z must be a positive number (got ${z})`);
  if (trials === 0) return { rate: null, low: null, high: null };
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return { rate: p, low: Math.max(0, Math.min(p, center - half)), high: Math.min(1, Math.max(p, center + half)) };
}

/**
 * Complementary error function, Numerical Recipes' `erfcc` (a Chebyshev
 * fit): fractional error below 1.2e-7 everywhere, so p-values stay accurate
 * far into the tail, where Abramowitz–Stegun 7.1.26's absolute error of
 * 1.5e-7 would swamp a p of 1e-6.
 */
function erfc(x: number): number {
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const poly =
    -ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|). */
function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * Pooled two-proportion z-test, two-sided: the standard test for "does A's
 * rate differ from B's" (it equals the 2×2 chi-square test without continuity
 * correction). `diff` is A's rate minus B's, so it is positive when A does better.
 *
 * `null` when a side has no trials, or when the pooled rate is 0 or 1 (nobody
 * or everybody clicked on both sides): the standard error is 0 and there is
 * nothing to test.
 */
export function twoProportionTest(a: { successes: number; trials: number }, b: { successes: number; trials: number }): { diff: number; z: number; pValue: number } | null {
  assertCounts(a, 'twoProportionTest a');
  assertCounts(b, 'twoProportionTest b');
  if (a.trials === 0 || b.trials === 0) return null;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  if (pooled === 0 || pooled === 1) return null;
  const diff = a.successes / a.trials - b.successes / b.trials;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  const z = diff / se;
  return { diff, z, pValue: twoSidedP(z) };
}

const percent = (x: number): string => `${(x * 100).toFixed(2)}%`;
const formatP = (p: number): string => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`);

/**
 * The variant to roll out, or `null` to keep the control.
 *
 * A winner is a non-control variant whose rate is above the control's with
 * p < `alpha` (pooled two-sided test against the control); among those, the
 * highest rate wins (ties: the smaller p, then the key, so the answer is
 * stable). `null` means no variant significantly beats the control: either
 * all did worse, or the difference is still within noise and more sends are
 * needed. A variant significantly *worse* than the control does not make the
 * control a "winner": keeping the control is the default, not a finding.
 *
 * Each variant is compared with the control at `alpha` without a
 * multiple-comparison correction, and looking again every day inflates false
 * wins; with many variants pass a stricter alpha (e.g. alpha / (variants − 1)).
 *
 * Throws when `controlKey` names no variant: that is a caller bug, not "no winner".
 */
export function pickWinner(variants: { key: string; sent: number; successes: number }[], controlKey: string, alpha = 0.05): { key: string; reason: string } | null {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`pickWinner: alpha must be between 0 and 1 (got ${alpha})`);
  const control = variants.find((v) => v.key === controlKey);
  if (!control) throw new RangeError(`pickWinner: no variant "${controlKey}" to use as control`);
  const controlCounts = { successes: control.successes, trials: control.sent };
  const winners = variants
    .filter((v) => v.key !== controlKey)
    .flatMap((v) => {
      const test = twoProportionTest({ successes: v.successes, trials: v.sent }, controlCounts);
      return test && test.diff > 0 && test.pValue < alpha ? [{ v, rate: v.successes / v.sent, test }] : [];
    })
    .sort((x, y) => y.rate - x.rate || x.test.pValue - y.test.pValue || (x.v.key < y.v.key ? -1 : x.v.key > y.v.key ? 1 : 0));
  const best = winners[0];
  if (!best) return null;
  const controlRate = control.successes / control.sent;
  return {
    key: best.v.key,
    reason:
      `${best.v.key}: ${percent(best.rate)} (${best.v.successes}/${best.v.sent}) vs control ${controlKey}: ${percent(controlRate)} ` +
      `(${control.successes}/${control.sent}), +${(best.test.diff * 100).toFixed(2)} points, ${formatP(best.test.pValue)} < ${alpha}`,
  };
}
