import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './client';
import { createGroupCommit } from './groupCommit';
import { attachWriteGate, createWriteGate, engineSideOf, type WriteGate } from './writeGate';
import { useTempDir } from '../testing/tempDir';

/** Commit timing is the bench's business (bench:api); these hold which calls share a commit. */
describe('group commit: which calls share a transaction', () => {
  const inDir = useTempDir('group-commit');
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.$client.close();
  });
  /**
   * A database whose COMMITs are counted, and a group commit inserting into it (`busyMs` ms of work for an input of
   * 'slow'); with `gate`, its connection is the API thread's, as when the engine has a thread of its own.
   */
  const world = (opts: Parameters<typeof createGroupCommit>[2], busyMs = 40, all?: (apply: (x: string) => number) => (xs: readonly string[]) => number[], gate?: WriteGate) => {
    const db = openDatabase(inDir('g.db'));
    open.push(db);
    const c = db.$client;
    if (gate) attachWriteGate(c, gate, 'api');
    c.exec('create table t (x)');
    const commits: string[][] = [];
    let current: string[] = [];
    const exec = c.exec.bind(c);
    c.exec = (sql: string) => {
      if (sql === 'COMMIT') {
        commits.push(current);
        current = [];
      }
      return exec(sql);
    };
    const insert = c.prepare('insert into t values (?)');
    const apply = (x: string) => {
      // a heavy group (500-event batches take milliseconds each), standing still on this thread as SQLite would
      if (x === 'slow') for (const until = performance.now() + busyMs; performance.now() < until;);
      if (x.startsWith('bad')) throw new Error(x);
      current.push(x);
      return insert.run(x).changes;
    };
    const write = createGroupCommit(c, apply, opts, all?.(apply));
    const rows = () => c.prepare('select x from t order by rowid').pluck().all();
    return { write, commits, rows };
  };
  const later = (ms: number, f: () => Promise<unknown>) => new Promise((r) => setTimeout(() => r(f()), ms));

  it('commits together the calls that separate callbacks of one turn of the event loop made, on an idle server too', async () => {
    const { write, commits } = world({});
    // two requests read in the same turn: each handler runs in a callback of its own, with promise jobs between them
    // (setImmediate: callbacks queued together run in one turn, as the I/O callbacks of one poll do; two timers may fall a ms apart)
    const inOneTurn = (f: () => Promise<unknown>) => new Promise((r) => setImmediate(() => r(f())));
    await Promise.all([inOneTurn(() => write('a')), inOneTurn(() => write('b'))]);
    expect(commits).toEqual([['a', 'b']]);
  });

  it('after a heavy group, gathers the next for a share of its time, so clients answered together commit together again', async () => {
    const { write, commits } = world({ windowMs: 1, windowShare: 0.5, maxWindowMs: 1_000, busyMs: 1_000 }, 200);
    await write('slow');
    // the next group waits half of the 200 ms the last one took: a call 8 ms after the first joins it (a wide margin
    // for a timer that fires late on a loaded machine)
    await Promise.all([write('a'), later(8, () => write('b'))]);
    expect(commits).toEqual([['slow'], ['a', 'b']]);
  });

  it('keeps the least window after a light group', async () => {
    const { write, commits } = world({ windowMs: 1, windowShare: 0.5, maxWindowMs: 1_000, busyMs: 1_000 });
    await write('light');
    await Promise.all([write('a'), later(40, () => write('b'))]);
    expect(commits).toEqual([['light'], ['a'], ['b']]);
  });

  it('with the engine on its own thread, gathers for the least window only when the engine has written since the last group began', async () => {
    const gate = createWriteGate();
    const engine = engineSideOf(gate);
    const { write, commits } = world({ windowMs: 100, busyMs: 1_000 }, 0, undefined, gate);
    await write('first');
    // the engine idle: nobody waits for the lock, so a call commits at once, and one 60 ms later commits apart
    await Promise.all([write('a'), later(60, () => write('b'))]);
    // the engine took the lock meanwhile: the next group gathers for 100 ms, and a call 20 ms later joins it
    engine.took();
    await Promise.all([write('c'), later(20, () => write('d'))]);
    expect(commits).toEqual([['first'], ['a'], ['b'], ['c', 'd']]);
  });

  it('without a gate (the engine, if any, on this thread) never gathers for the least window: there is no hand-over to spare', async () => {
    const { write, commits } = world({ windowMs: 100, busyMs: 1_000 }, 0);
    await write('first');
    await Promise.all([write('a'), later(60, () => write('b'))]);
    expect(commits).toEqual([['first'], ['a'], ['b']]);
  });

  it('applies a group through applyAll in one go, and one by one should that throw, so a bad call still fails alone', async () => {
    const groups: string[][] = [];
    const { write, commits, rows } = world({}, 0, (apply) => (xs) => {
      groups.push([...xs]);
      return xs.map(apply);
    });
    await Promise.all([write('a'), write('b')]);
    expect(groups).toEqual([['a', 'b']]);
    // 'c' was written by the attempt at the whole group before 'bad' threw: that attempt is rolled back
    const [c, bad, d] = await Promise.allSettled([write('c'), write('bad'), write('d')]);
    expect([c, d]).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'fulfilled', value: 1 },
    ]);
    expect(bad?.status).toBe('rejected');
    expect(rows()).toEqual(['a', 'b', 'c', 'd']);
    expect(commits.length).toBe(2);
  });
});
