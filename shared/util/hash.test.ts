import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hash32, seededRng } from './hash';

describe('hash32', () => {
  it('is a 32-bit unsigned integer, stable for a given input', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), (s, seed) => {
        const h = hash32(s, seed);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
        expect(hash32(s, seed)).toBe(h);
      }),
      { numRuns: 200 },
    );
  });

  it('spreads near-identical keys apart', () => {
    expect(hash32('c1')).not.toBe(hash32('c2'));
    expect(hash32('c1', 1)).not.toBe(hash32('c1', 2));
  });
});

describe('seededRng', () => {
  it('same seed and key, same number; always in [0, 1)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), fc.string(), (seed, key) => {
        const x = seededRng(seed)(key);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(1);
        expect(seededRng(seed)(key)).toBe(x);
      }),
      { numRuns: 300 },
    );
  });

  it('is the 32-bit hash scaled by 2^32, so even the largest hash stays below 1', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), (seed, key) => {
        const x = seededRng(seed)(key);
        expect(x * 2 ** 32).toBe(hash32(key, seed));
        expect(Number.isInteger(x * 2 ** 32)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('stays below 1 over many keys', () => {
    const rng = seededRng(0);
    for (let i = 0; i < 10_000; i++) expect(rng(`k${i}`)).toBeLessThan(1);
  });

  it('does not depend on call order or on earlier calls', () => {
    const a = seededRng('workspace-1');
    const b = seededRng('workspace-1');
    const keys = ['c1:split', 'c2:split', 'c3:split'];
    const forward = keys.map((k) => a(k));
    const backward = [...keys]
      .reverse()
      .map((k) => b(k))
      .reverse();
    expect(forward).toEqual(backward);
  });

  it('different seeds give different streams', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `c${i}`);
    expect(keys.map(seededRng(1))).not.toEqual(keys.map(seededRng(2)));
    expect(keys.map(seededRng('a'))).not.toEqual(keys.map(seededRng('b')));
  });

  it('is roughly uniform: each tenth of [0, 1) gets about a tenth of 20,000 draws', () => {
    const rng = seededRng(42);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const b = Math.floor(rng(`contact-${i}:split`) * 10);
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    for (const n of buckets) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });
});
