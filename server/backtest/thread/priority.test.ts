import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { blueprint1, useRecordedWorlds } from '../testFixture';
import { startBacktestThread } from './client';
import { backtestLowering, backtestNice } from './nice';
import { SCHED_IDLE, schedOf } from '../../testing/sched';

vi.setConfig({ testTimeout: 60_000 });

const recorded = useRecordedWorlds('backtest-priority');

/** The nice value of each thread of this process. */
const threadNiceValues = (): number[] => readdirSync('/proc/self/task').map((tid) => schedOf(Number(tid)).nice);

/** The scheduling policy of each thread of this process. */
const threadPolicies = (): number[] => readdirSync('/proc/self/task').map((tid) => schedOf(Number(tid)).policy);

describe('a backtest thread', () => {
  it('runs at a lower priority than the rest of the process, so the live engine ticks first', async () => {
    const { job: data } = await recorded.draftJob(blueprint1());
    const before = threadNiceValues();
    let seen: number[] = [];
    const job = startBacktestThread(data, () => {
      // the thread is at work: it posts progress from its own code
      if (seen.length === 0) seen = threadNiceValues();
    });
    const outcome = await job.outcome;
    expect(outcome.status).toBe('done');
    // one thread more at nice 10 or above while it ran: the backtest's own, the others as they were
    expect(seen.filter((n) => n >= 10).length).toBe(before.filter((n) => n >= 10).length + 1);
  });

  it('beside an engine in the background (SCHED_IDLE), runs there too: at nice 10 it would be above the engine', async () => {
    expect(backtestLowering('background')).toBe('idle');
    expect(backtestLowering('normal')).toBe(backtestNice);
    const { job: data } = await recorded.draftJob(blueprint1());
    const before = threadPolicies().filter((p) => p === SCHED_IDLE).length;
    let seen: number[] = [];
    const job = startBacktestThread({ ...data, lowerTo: backtestLowering('background') }, () => {
      if (seen.length === 0) seen = threadPolicies();
    });
    expect((await job.outcome).status).toBe('done');
    expect(seen.filter((p) => p === SCHED_IDLE).length).toBe(before + 1);
  });
});
