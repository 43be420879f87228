import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../obs/log';
import { SCHED_IDLE, SCHED_OTHER, busyThreads, mayRaisePriority, schedOf } from '../../testing/sched';
import type { SchedStat } from '../../threadPriority';
import { guardAgainstStarvation, guardStep, initialGuard, starvedIn, type GuardState, type StarvationGuard } from './starvation';

const o = { coolOffMs: 30_000, maxCoolOffMs: 120_000 };

describe('starvedIn', () => {
  it('is waiting for half the window or more while getting under a fifth of the CPU asked for', () => {
    expect(starvedIn({ ranMs: 3, waitedMs: 497, ms: 500 })).toBe(true);
    expect(starvedIn({ ranMs: 60, waitedMs: 250, ms: 500 })).toBe(true);
    // bench:api's loaded minute: the engine ran 720–820 ms and waited 120–160 ms of each second
    expect(starvedIn({ ranMs: 380, waitedMs: 70, ms: 500 })).toBe(false);
    // a fifth of what it asked for is not starved
    expect(starvedIn({ ranMs: 100, waitedMs: 400, ms: 500 })).toBe(false);
    // asleep (nothing to do): neither ran nor waited
    expect(starvedIn({ ranMs: 0, waitedMs: 0, ms: 500 })).toBe(false);
    // little waiting, whatever the share
    expect(starvedIn({ ranMs: 1, waitedMs: 200, ms: 500 })).toBe(false);
  });
});

describe('guardStep', () => {
  const starved = { ranMs: 2, waitedMs: 480, ms: 500 };
  const fine = { ranMs: 400, waitedMs: 50, ms: 500 };

  it('raises a starved thread for the cool-off, leaves it up until then, then lowers it', () => {
    let s = initialGuard(o);
    expect(guardStep(s, fine, 1_000, o)).toEqual({ state: s, action: null });
    const r = guardStep(s, starved, 1_000, o);
    expect(r.action).toEqual({ do: 'raise', forMs: 30_000 });
    s = r.state;
    expect(s).toMatchObject({ mode: 'raised', until: 31_000 });
    // raised, starved or not, it stays up until the cool-off ends
    expect(guardStep(s, starved, 30_999, o).action).toBeNull();
    const l = guardStep(s, fine, 31_000, o);
    expect(l.action).toEqual({ do: 'lower' });
    expect(l.state).toMatchObject({ mode: 'lowered', loweredAt: 31_000 });
  });

  it('starved again within the cool-off just served: twice as long each time, up to the most; later, the first again', () => {
    let s: GuardState = initialGuard(o);
    let t = 0;
    const raisedFor: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = guardStep(s, starved, t, o);
      if (r.action?.do === 'raise') raisedFor.push(r.action.forMs);
      s = r.state;
      t = s.until;
      s = guardStep(s, fine, t, o).state;
      t += 500;
    }
    expect(raisedFor).toEqual([30_000, 60_000, 120_000, 120_000]);
    // calm for longer than the last cool-off: back to the first
    expect(guardStep(s, starved, t + 120_000, o).action).toEqual({ do: 'raise', forMs: 30_000 });
  });
});

/**
 * A guard on thread 42 over a fake clock, judging 1 s windows checked every 500 ms, with `setPolicy` as given; `step`
 * adds 500 ms in which the thread ran `ranMs` and waited `waitedMs`, then lets the guard check.
 */
function aGuard(setPolicy: (tid: number, policy: 'idle' | 'other') => Promise<boolean>, coolOffMs?: number) {
  vi.useFakeTimers();
  let now = 0;
  let stat: SchedStat = { ranNs: 0, waitedNs: 0 };
  const { logger, lines } = memoryLogger();
  const guard = guardAgainstStarvation(42, {
    logger,
    everyMs: 500,
    windowMs: 1_000,
    ...(coolOffMs === undefined ? {} : { coolOffMs }),
    sample: (tid) => (tid === 42 ? stat : null),
    setPolicy,
    now: () => now,
  });
  const step = async (ranMs: number, waitedMs: number) => {
    stat = { ranNs: stat.ranNs + ranMs * 1e6, waitedNs: stat.waitedNs + waitedMs * 1e6 };
    now += 500;
    await vi.advanceTimersByTimeAsync(500);
  };
  return { guard, lines, step };
}

describe('guardAgainstStarvation', () => {
  afterEach(() => void vi.useRealTimers());

  it('judges the last window, raises and lowers through setPolicy, logs each change once and counts it', async () => {
    const calls: string[] = [];
    const { guard, lines, step } = aGuard((tid, p) => (calls.push(`${tid} ${p}`), Promise.resolve(true)), 2_000);
    await step(450, 20);
    // starved for half a second of the window: held back a moment, as background means, not starved
    await step(5, 490);
    expect(calls).toEqual([]);
    // the whole window
    await step(5, 490);
    expect(calls).toEqual(['42 other']);
    expect(guard.mode()).toBe('raised');
    await step(5, 490);
    await step(450, 20);
    await step(450, 20);
    expect(calls).toEqual(['42 other']);
    await step(450, 20);
    expect(calls).toEqual(['42 other', '42 idle']);
    expect(guard.mode()).toBe('lowered');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, expect.stringContaining('starved in the background')],
      [30, 'The engine thread is back in the background (SCHED_IDLE)'],
    ]);
    expect(lines[0]).toMatchObject({ ranMs: 10, waitedMs: 980, windowMs: 1000, forSeconds: 2 });
    guard.stop();
  });

  it('when the policy cannot be changed: says so once, tries again each check, and says when it works again', async () => {
    let tries = 0;
    const { guard, lines, step } = aGuard(() => Promise.resolve(++tries > 3));
    for (let i = 0; i < 5; i++) await step(0, 500);
    // judged at 1 s, 1.5 s, 2 s (failed) and 2.5 s (worked)
    expect(tries).toBe(4);
    expect(guard.mode()).toBe('raised');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, expect.stringContaining('could not be changed (chrt failed); trying again each second')],
      [30, 'The engine thread’s CPU priority could be changed again'],
      [40, expect.stringContaining('starved in the background')],
    ]);
    guard.stop();
  });

  it('stopped while a change is in flight: the answer changes nothing and logs nothing', async () => {
    let answer: (ok: boolean) => void = () => {};
    const { guard, lines, step } = aGuard(() => new Promise<boolean>((resolve) => (answer = resolve)));
    await step(0, 500);
    await step(0, 500);
    guard.stop();
    answer(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(guard.mode()).toBe('lowered');
    expect(lines).toEqual([]);
  });
});

/** A thread that lowers itself to SCHED_IDLE and then spins: it always wants a CPU. */
function idleSpinner(): { worker: Worker; tid: Promise<number> } {
  const src = `
    require('tsx/cjs/api').register();
    const { lowerThisThread } = require(${JSON.stringify(join(__dirname, '../../threadPriority.ts'))});
    require('node:worker_threads').parentPort.postMessage(lowerThisThread('idle').tid);
    setTimeout(() => { for (;;) {} }, 0);`;
  const worker = new Worker(src, { eval: true });
  return { worker, tid: new Promise((resolve) => worker.once('message', resolve)) };
}

const until = async (what: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('guardAgainstStarvation on real threads (Linux: schedstat and chrt)', () => {
  const workers: Worker[] = [];
  let guard: StarvationGuard | null = null;
  afterEach(async () => {
    guard?.stop();
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  // as root with CAP_SYS_NICE (CI): the kernel lets chrt raise the thread; elsewhere it refuses, and the guard says so
  const mayRaise = mayRaisePriority();

  it(
    mayRaise
      ? 'a SCHED_IDLE thread starved by busy ones goes to SCHED_OTHER, and back to SCHED_IDLE after the cool-off once they stop'
      : 'a SCHED_IDLE thread starved by busy ones, where the kernel refuses to raise it: the guard says so once and the thread stays',
    async () => {
      const spinner = idleSpinner();
      workers.push(spinner.worker);
      const tid = await spinner.tid;
      expect(schedOf(tid).policy).toBe(SCHED_IDLE);
      // one busy thread more than there are cores: the spinner is left nothing
      const busy = busyThreads(availableParallelism() + 1);
      workers.push(...busy);
      const log = memoryLogger();
      guard = guardAgainstStarvation(tid, { logger: log.logger, everyMs: 250, windowMs: 1_000, coolOffMs: 1_000 });
      if (!mayRaise) {
        const failed = () => log.lines.filter((l) => String(l.msg).includes('could not be changed (chrt failed)'));
        await until(() => failed().length > 0, 10_000);
        // tried again each check, said once
        await new Promise((r) => setTimeout(r, 1_000));
        expect(failed()).toHaveLength(1);
        expect(schedOf(tid).policy).toBe(SCHED_IDLE);
        return;
      }
      await until(() => schedOf(tid).policy === SCHED_OTHER, 10_000);
      expect(schedOf(tid).nice).toBe(0);
      await Promise.all(busy.map((w) => w.terminate()));
      // alone, a spinner under SCHED_IDLE has a core to itself and is not starved: down it goes and stays
      await until(() => schedOf(tid).policy === SCHED_IDLE, 10_000);
    },
    30_000,
  );
});
