import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startScheduler, type Scheduler } from './scheduler';
import { FakeClock } from './clock';
import { memoryLogger } from './obs/log';
import type { EngineTick } from './engine';
import { transitions } from './obs/metrics';

const aTick = (now: number): EngineTick => ({
  now,
  inbox: { indexed: 0, duplicates: 0, backlog: false },
  enrolled: 0,
  responses: 0,
  runs: { stepped: 3, queued: 0, withheld: 0, exited: 0, batches: 1, backlog: false },
  dispatch: { sent: 1, failed: 0, retried: 0, dead: 0, throttled: false, backlog: false },
});

/** An engine whose ticks end when the test says so. */
function aSlowEngine() {
  const pending: (() => void)[] = [];
  let slow = false;
  return {
    engine: {
      tick: (now: number) => (slow ? new Promise<EngineTick>((done) => pending.push(() => done(aTick(now)))) : Promise.resolve(aTick(now))),
    },
    slowDown: () => void (slow = true),
    finish() {
      slow = false;
      for (const f of pending.splice(0)) f();
    },
  };
}

describe('scheduler: a tick overrun is logged once per episode, not every second', () => {
  let scheduler: Scheduler | null = null;
  beforeEach(() => void vi.useFakeTimers({ now: Date.UTC(2025, 0, 1) }));
  afterEach(async () => {
    vi.useRealTimers();
    await scheduler?.stop();
  });

  it('warns once while a tick runs for 5 s, says when it caught up, and warns again in the next episode', async () => {
    const { logger, lines } = memoryLogger();
    const e = aSlowEngine();
    const stepped = (await transitions.get()).values[0]?.value ?? 0;
    scheduler = startScheduler(e.engine, new FakeClock(0), { logger });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
    // each tick's report reaches /metrics: 3 runs stepped a tick
    expect(((await transitions.get()).values[0]?.value ?? 0) - stepped).toBeGreaterThanOrEqual(6);

    e.slowDown();
    await vi.advanceTimersByTimeAsync(6_000);
    const warnings = () => lines.filter((l) => l.level === 40).map((l) => String(l.msg));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/engine tick overran/);
    expect(scheduler.lagMs()).toBeGreaterThanOrEqual(5_000);

    e.finish();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(lines.some((l) => /caught up/.test(String(l.msg)) && Number(l.skippedTicks) >= 4)).toBe(true);
    expect(scheduler.lagMs()).toBeLessThan(1_500);

    e.slowDown();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(warnings()).toHaveLength(2);
    // nothing of node-cron's own per-second warning reaches the log above debug
    expect(lines.filter((l) => l.level === 40 && /overlap prevention/.test(String(l.msg)))).toEqual([]);
    e.finish();
  });

  it('logs a failing tick once while the error repeats, and once when ticks succeed again', async () => {
    const { logger, lines } = memoryLogger();
    let fail = true;
    scheduler = startScheduler({ tick: (now) => (fail ? Promise.reject(new Error('segment SQL broke')) : Promise.resolve(aTick(now))) }, new FakeClock(0), { logger });
    await vi.advanceTimersByTimeAsync(10_000);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toBe('engine tick failed: segment SQL broke');
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lines.filter((l) => /succeed again/.test(String(l.msg)))).toHaveLength(1);
  });
});
