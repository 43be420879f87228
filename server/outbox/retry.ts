import { DAY, HOUR, MINUTE } from '../../shared/util/time';

/** How long a failing message keeps being tried, and how far apart. */
export interface RetryPolicy {
  /** the first retry's delay before jitter; doubles each attempt */
  baseMs: number;
  /** no single wait longer than this */
  maxDelayMs: number;
  /** from the first failure: a retry that would land later makes the message a dead letter */
  horizonMs: number;
  /** a cap on attempts on top of the horizon (default none) */
  maxAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseMs: MINUTE, maxDelayMs: HOUR, horizonMs: DAY, maxAttempts: Number.POSITIVE_INFINITY };

export type RetryDecision = { retryAt: number } | { dead: string };

const span = (ms: number) => (ms % HOUR === 0 ? `${ms / HOUR} h` : ms % MINUTE === 0 ? `${ms / MINUTE} min` : `${ms} ms`);

/**
 * When a failed attempt goes again, or that it goes no more. The wait doubles
 * from `baseMs` up to `maxDelayMs`, with equal jitter (half fixed, half drawn
 * from `random`, in [0, 1)) so a vendor outage's backlog does not come back
 * all at once; a `Retry-After` the provider asked for is a floor. A retry
 * that would land past `horizonMs` after the first failure, or past
 * `maxAttempts`, is refused: the message dies. Pure: the caller passes the
 * clock and the draw.
 */
export function decideRetry(p: RetryPolicy, a: { attempts: number; firstFailedAt: number | null; now: number; retryAfterMs?: number | undefined }, random: number): RetryDecision {
  if (a.attempts >= p.maxAttempts) return { dead: `gave up after ${a.attempts} attempts` };
  const exp = Math.min(p.maxDelayMs, p.baseMs * 2 ** Math.min(a.attempts - 1, 40));
  const delay = Math.max(exp / 2 + (random * exp) / 2, a.retryAfterMs ?? 0);
  const retryAt = Math.ceil(a.now + delay);
  const since = a.firstFailedAt ?? a.now;
  if (retryAt > since + p.horizonMs) return { dead: `the next try would come more than ${span(p.horizonMs)} after the first failure (retry horizon; ${a.attempts} attempts)` };
  return { retryAt };
}
