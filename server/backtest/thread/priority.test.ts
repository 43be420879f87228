import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestWorld } from '../../testing/harness';
import { E, S, aRecordedWorld, blueprint1 } from '../testFixture';
import { DAY } from '../../../shared/util/time';
import { startBacktestThread } from './client';

vi.setConfig({ testTimeout: 60_000 });

const worlds: TestWorld[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

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
    const w = aRecordedWorld(E + DAY, { during: true });
    worlds.push(w);
    const { id } = await w.caller.journeys.create({ name: 'draft only' });
    await w.caller.journeys.saveDraft({ id, graph: blueprint1() });
    const workDir = mkdtempSync(join(tmpdir(), 'backtest-priority-'));
    dirs.push(workDir);
    const before = threadNiceValues();
    let seen: number[] = [];
    const job = startBacktestThread({ sourcePath: w.dbPath, workDir, journeyId: id, name: 'draft only', draft: blueprint1(), live: null, from: S, to: E }, () => {
      // the thread is at work: it posts progress from its own code
      if (seen.length === 0) seen = threadNiceValues();
    });
    const outcome = await job.outcome;
    expect(outcome.status).toBe('done');
    // one thread more at nice 10 or above while it ran: the backtest's own, the others as they were
    expect(seen.filter((n) => n >= 10).length).toBe(before.filter((n) => n >= 10).length + 1);
  });
});
