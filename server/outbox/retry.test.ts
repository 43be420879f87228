import { describe, expect, it } from 'vitest';
import { decideRetry, defaultRetryPolicy, type RetryPolicy } from './retry';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const p: RetryPolicy = { baseMs: MINUTE, maxDelayMs: HOUR, horizonMs: DAY, maxAttempts: Number.POSITIVE_INFINITY };
const at = (d: ReturnType<typeof decideRetry>) => ('retryAt' in d ? d.retryAt : null);

describe('decideRetry: exponential backoff with equal jitter over a horizon', () => {
  it('doubles the wait each attempt, half of it fixed and half drawn', () => {
    for (const [attempts, full] of [
      [1, MINUTE],
      [2, 2 * MINUTE],
      [3, 4 * MINUTE],
      [4, 8 * MINUTE],
    ] as const) {
      expect(at(decideRetry(p, { attempts, firstFailedAt: T0, now: T0 }, 0))).toBe(T0 + full / 2);
      expect(at(decideRetry(p, { attempts, firstFailedAt: T0, now: T0 }, 0.5))).toBe(T0 + (3 * full) / 4);
      expect(at(decideRetry(p, { attempts, firstFailedAt: T0, now: T0 }, 0.999_999))).toBeLessThanOrEqual(T0 + full);
    }
  });

  it('never waits longer than maxDelayMs, however many attempts', () => {
    expect(at(decideRetry(p, { attempts: 12, firstFailedAt: T0, now: T0 }, 0.999_999))).toBeLessThanOrEqual(T0 + HOUR);
    expect(at(decideRetry(p, { attempts: 5000, firstFailedAt: T0, now: T0 }, 0))).toBe(T0 + HOUR / 2);
  });

  it("waits at least as long as the vendor's Retry-After", () => {
    expect(at(decideRetry(p, { attempts: 1, firstFailedAt: T0, now: T0, retryAfterMs: 10 * MINUTE }, 0))).toBe(T0 + 10 * MINUTE);
    // a shorter Retry-After does not make the backoff shorter
    expect(at(decideRetry(p, { attempts: 4, firstFailedAt: T0, now: T0, retryAfterMs: 1000 }, 0))).toBe(T0 + 4 * MINUTE);
  });

  it('gives up once the next try would land past the horizon from the first failure: a dead letter, with why', () => {
    const d = decideRetry(p, { attempts: 30, firstFailedAt: T0, now: T0 + DAY - 10 * MINUTE }, 0.5);
    expect(d).toEqual({ dead: expect.stringContaining('24 h') });
    // a Retry-After beyond the horizon kills it too, rather than parking it past it
    expect(decideRetry(p, { attempts: 1, firstFailedAt: T0, now: T0, retryAfterMs: 2 * DAY }, 0)).toEqual({ dead: expect.any(String) });
  });

  it('over the default policy, a message that always fails is tried about 30 times across 24 hours, then dies', () => {
    let now = T0;
    let attempts = 0;
    for (;;) {
      attempts++;
      const d = decideRetry(defaultRetryPolicy, { attempts, firstFailedAt: T0, now }, 0.5);
      if ('dead' in d) break;
      expect(d.retryAt).toBeGreaterThan(now);
      now = d.retryAt;
    }
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
    expect(now - T0).toBeLessThanOrEqual(DAY);
    expect(now - T0).toBeGreaterThan(DAY - HOUR);
  });

  it('maxAttempts caps it sooner when set', () => {
    expect(decideRetry({ ...p, maxAttempts: 3 }, { attempts: 3, firstFailedAt: T0, now: T0 }, 0)).toEqual({ dead: 'gave up after 3 attempts' });
    expect(at(decideRetry({ ...p, maxAttempts: 3 }, { attempts: 2, firstFailedAt: T0, now: T0 }, 0))).toBe(T0 + MINUTE);
  });

  it('counts the horizon from now on a first failure (no first-failure time yet)', () => {
    expect(at(decideRetry(p, { attempts: 1, firstFailedAt: null, now: T0 }, 0))).toBe(T0 + MINUTE / 2);
  });
});
