/**
 * A token bucket per key (a client IP): `burst` tokens at most, refilled at
 * `perSecond`. A request spends one token per expensive call it makes; an
 * empty bucket says how long until the next token. In memory, like the
 * sign-in limiter: one process serves the database.
 */
export interface TokenBucketRule {
  /** tokens the bucket holds at most: what a quiet client may spend at once */
  burst: number;
  /** tokens added a second */
  perSecond: number;
}

export function createTokenBuckets({ burst, perSecond }: TokenBucketRule, maxKeys = 100_000) {
  if (!(burst >= 1) || !(perSecond > 0)) throw new Error(`a token bucket needs burst ≥ 1 and perSecond > 0, got ${burst} and ${perSecond}`);
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (key: string, now: number): number => {
    const b = buckets.get(key);
    return b ? Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond) : burst;
  };
  return {
    /**
     * Spend `cost` tokens for `key` at `now` (ms). Returns 0 when granted, else
     * the ms to wait before the same request would be (nothing is spent then).
     */
    take(key: string, cost: number, now: number): number {
      const tokens = level(key, now);
      if (cost > burst) return Number.POSITIVE_INFINITY;
      if (tokens < cost) return Math.ceil(((cost - tokens) / perSecond) * 1000);
      buckets.delete(key); // re-inserted last: the map's order is least recently used first
      buckets.set(key, { tokens: tokens - cost, at: now });
      if (buckets.size > maxKeys) {
        // a flood of distinct keys must not grow memory without bound: drop the least recently used
        for (const k of buckets.keys()) {
          buckets.delete(k);
          if (buckets.size <= maxKeys) break;
        }
      }
      return 0;
    },
    /**
     * Spend `amount` after the fact, into debt if need be (a cost known only
     * once the work is done, such as the time it took): `take` then refuses
     * until the refill has paid it back.
     */
    charge(key: string, amount: number, now: number): void {
      const tokens = level(key, now) - amount;
      buckets.delete(key);
      buckets.set(key, { tokens, at: now });
    },
  };
}

export type TokenBuckets = ReturnType<typeof createTokenBuckets>;
