import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { blueprint1, useRecordedWorlds } from '../testFixture';
import { startBacktestThread } from './client';

vi.setConfig({ testTimeout: 60_000 });

const recorded = useRecordedWorlds('backtest-priority');

/** The nice value of each thread of this process (Linux: /proc/self/task/<tid>/stat, field 19). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces) in parentheses: state is field 3, nice field 19
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

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
});
