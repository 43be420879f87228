/**
 * Keyed, seeded pseudo-randomness for the pure core. `step` never calls
 * Math.random: it asks `ctx.rng(key)` for a number in [0, 1) that depends only
 * on the seed and the key, so a replay of the same (contact, node) draws the
 * same arm.
 */
export type KeyedRng = (key: string) => number;

/** 32-bit FNV-1a over the UTF-16 code units of `s`, then an avalanche mix. */
export function hash32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3 fmix32: spreads low-entropy differences (e.g. "c1" vs "c2") over all bits
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A keyed RNG bound to `seed`: same (seed, key) → same number in [0, 1). */
export function seededRng(seed: number | string): KeyedRng {
  const s = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  return (key) => hash32(key, s) / 0x1_0000_0000;
}
