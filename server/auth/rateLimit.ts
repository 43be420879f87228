/**
 * Failed sign-ins per key (a login, an IP) in a sliding window. Kept in
 * memory: one server process owns the database (a second one is refused), and a
 * restart forgetting a lock-out costs an attacker a restart they cannot cause.
 */
export interface RateLimitRule {
  max: number;
  windowMs: number;
}

export function createFailureCounter({ max, windowMs }: RateLimitRule) {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number): number[] => {
    const kept = (failures.get(key) ?? []).filter((t) => t > now - windowMs);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };
  return {
    /** ms until `key` may try again, or 0 when it may now */
    blockedFor(key: string, now: number): number {
      const r = recent(key, now);
      return r.length >= max ? (r[r.length - max] ?? now) + windowMs - now : 0;
    },
    fail(key: string, now: number): void {
      failures.set(key, [...recent(key, now), now]);
      // a flood of distinct keys must not grow the map without bound
      if (failures.size > 100_000) for (const k of failures.keys()) if (recent(k, now).length === 0 || failures.size > 100_000) failures.delete(k);
    },
    clear(key: string): void {
      failures.delete(key);
    },
  };
}
