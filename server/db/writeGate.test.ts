import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './client';
import { acquireWrite, attachWriteGate, createWriteGate, observeWriteLock, runsEpoch, writerWaiting, type GateRole } from './writeGate';
import { createGroupCommit } from './groupCommit';
import { useTempDir } from '../testing/tempDir';

const HOLDER = 0;
const WAITING = 1;
const ENGINE = 1;
const API = 2;
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the write gate: one writing thread at a time, the API waiting without blocking', () => {
  const inDir = useTempDir('write-gate');
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.$client.close();
    observeWriteLock(null);
  });
  const two = () => {
    const path = inDir('g.db');
    const api = openDatabase(path);
    const engine = openDatabase(path);
    open.push(api, engine);
    const gate = createWriteGate();
    attachWriteGate(api.$client, gate, 'api');
    attachWriteGate(engine.$client, gate, 'engine', 60);
    const cells = new Int32Array(gate.buffer);
    api.$client.exec('create table if not exists t (x)');
    return { api, engine, cells };
  };

  it('holds the lock for the length of a transaction, in its role, and frees it after, also when it throws', () => {
    const { api, engine, cells } = two();
    expect(api.$client.transaction(() => Atomics.load(cells, HOLDER))()).toBe(API);
    expect(engine.$client.transaction(() => Atomics.load(cells, HOLDER))()).toBe(ENGINE);
    expect(Atomics.load(cells, HOLDER)).toBe(0);
    expect(() =>
      api.$client.transaction(() => {
        throw new Error('no');
      })(),
    ).toThrow('no');
    expect(Atomics.load(cells, HOLDER)).toBe(0);
    // a transaction inside one is a savepoint under the same take, not a second take that would wait on itself
    expect(api.$client.transaction(() => api.$client.transaction(() => Atomics.load(cells, HOLDER))())()).toBe(API);
  });

  it('takes the lock for a write run on its own (autocommit), also with a statement prepared before the gate; a read does not take it', () => {
    const path = inDir('bare.db');
    const api = openDatabase(path);
    open.push(api);
    const c = api.$client;
    c.exec('create table t (x)');
    const gate = createWriteGate();
    const cells = new Int32Array(gate.buffer);
    c.function('holder', () => Atomics.load(cells, HOLDER));
    // as the ownership heartbeat's UPDATE: prepared while the server starts, before the engine thread and its gate
    const early = c.prepare('insert into t values (holder())');
    attachWriteGate(c, gate, 'api');
    early.run();
    c.prepare('insert into t values (holder())').run();
    expect(c.prepare('insert into t values (holder()) returning x').get()).toEqual({ x: API });
    expect((c.prepare('select x from t').all() as { x: number }[]).map((r) => r.x)).toEqual([API, API, API]);
    expect(c.prepare('select holder() h').get()).toEqual({ h: 0 });
    // inside a transaction the statement runs under the transaction's take
    c.transaction(() => c.prepare('insert into t values (holder())').run())();
    expect(Atomics.load(cells, HOLDER)).toBe(0);
  });

  it('makes the engine let a waiting API writer go first (up to its limit), and not wait at all otherwise', () => {
    const { engine, cells } = two();
    const write = engine.$client.transaction(() => engine.$client.prepare('insert into t values (1)').run());
    let t = performance.now();
    write();
    expect(performance.now() - t).toBeLessThan(30);
    Atomics.store(cells, WAITING, 1);
    t = performance.now();
    write();
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
    Atomics.store(cells, WAITING, 0);
  });

  it('lets the API await the lock while the engine holds it: the event loop runs on, and the write goes once it is free', async () => {
    const { api, cells } = two();
    Atomics.store(cells, HOLDER, ENGINE); // the engine thread is inside a batch
    let acquired = false;
    const turn = acquireWrite(api.$client).then((release) => ((acquired = true), release));
    let ticks = 0;
    for (let i = 0; i < 5; i++) {
      await tick();
      ticks++;
    }
    expect(ticks).toBe(5);
    expect(acquired).toBe(false);
    expect(Atomics.load(cells, WAITING)).toBe(1); // announced: the engine lets it go before its next batch
    Atomics.store(cells, HOLDER, 0);
    Atomics.notify(cells, HOLDER);
    const release = await turn;
    expect(Atomics.load(cells, HOLDER)).toBe(API);
    expect(Atomics.load(cells, WAITING)).toBe(0);
    api.$client.transaction(() => api.$client.prepare('insert into t values (2)').run())();
    release();
    expect(Atomics.load(cells, HOLDER)).toBe(0);
  });

  it('tells the engine, inside a transaction it has held long enough, that an API writer waits; never the API, never outside one', () => {
    const { api, engine, cells } = two();
    const asked = (db: Db, afterMs: number) => db.$client.transaction(() => writerWaiting(db.$client, afterMs))();
    expect(asked(engine, 0)).toBe(false); // nobody waits
    Atomics.store(cells, WAITING, 1);
    try {
      expect(writerWaiting(engine.$client, 0)).toBe(false); // no transaction: nothing to end
      expect(asked(engine, 60_000)).toBe(false); // not held that long yet
      expect(asked(api, 0)).toBe(false); // the API is who waits, never who yields
      // the engine's take lets the waiting writer go first for up to its limit (60 ms here), then asks
      expect(asked(engine, 0)).toBe(true);
    } finally {
      Atomics.store(cells, WAITING, 0);
    }
  });

  it('reports each take of the lock to its observer: the role, the wait for the other thread, and the hold', async () => {
    const { api, engine, cells } = two();
    const takes: [GateRole, number, number][] = [];
    observeWriteLock((role, waitMs, holdMs) => void takes.push([role, waitMs, holdMs]));
    const busy = (ms: number) => {
      for (const until = performance.now() + ms; performance.now() < until;);
    };
    // an engine transaction of about 20 ms, the lock free when it asked
    engine.$client.transaction(() => busy(20))();
    // the API asks while the engine holds it (as from the other thread) for about 30 ms, then writes for about 10
    Atomics.store(cells, HOLDER, ENGINE);
    const turn = acquireWrite(api.$client);
    await new Promise((r) => setTimeout(r, 30));
    Atomics.store(cells, HOLDER, 0);
    Atomics.notify(cells, HOLDER);
    const release = await turn;
    busy(10);
    release();
    // a nested transaction is part of its outer take, not a second one
    api.$client.transaction(() => api.$client.transaction(() => busy(1))())();
    expect(takes.map(([role]) => role)).toEqual(['engine', 'api', 'api']);
    const [[, engineWait, engineHold], [, apiWait, apiHold]] = takes as [[GateRole, number, number], [GateRole, number, number]];
    expect(engineWait).toBeLessThan(10);
    expect(engineHold).toBeGreaterThanOrEqual(19);
    expect(apiWait).toBeGreaterThanOrEqual(25);
    expect(apiHold).toBeGreaterThanOrEqual(9);
    expect(apiHold).toBeLessThan(apiWait);
  });

  it('commits the calls that arrive together in one transaction, each in its own savepoint: a bad one fails alone', async () => {
    const { api, cells } = two();
    const c = api.$client;
    const commits: number[] = [];
    const insert = c.prepare('insert into t values (?)');
    const write = createGroupCommit(c, (x: number) => {
      if (x < 0) throw new Error(`bad ${x}`);
      commits.push(Number(c.inTransaction));
      return insert.run(x).changes;
    });
    Atomics.store(cells, HOLDER, ENGINE);
    const all = Promise.allSettled([write(1), write(-1), write(3)]);
    await tick();
    const before = (c.prepare('select count(*) n from t').get() as { n: number }).n;
    Atomics.store(cells, HOLDER, 0);
    Atomics.notify(cells, HOLDER);
    const [a, b, d] = await all;
    expect(a).toEqual({ status: 'fulfilled', value: 1 });
    expect(b.status === 'rejected' && String(b.reason)).toBe('Error: bad -1');
    expect(d).toEqual({ status: 'fulfilled', value: 1 });
    expect((c.prepare('select count(*) n from t').get() as { n: number }).n).toBe(before + 2);
    expect(commits).toEqual([1, 1]);
    // one lock take for the three calls; it is free again after
    expect(Atomics.load(cells, HOLDER)).toBe(0);
  });

  it('wakes an engine that waits for API writers as soon as the last one stops waiting, not at its next poll', async () => {
    const { api, cells } = two();
    Atomics.store(cells, HOLDER, ENGINE);
    const turn = acquireWrite(api.$client);
    await tick();
    expect(Atomics.load(cells, WAITING)).toBe(1);
    // what the engine thread does while an API writer waits (here asynchronously, the test has one thread)
    const woken = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string } }).waitAsync(cells, WAITING, 1, 1_000);
    Atomics.store(cells, HOLDER, 0);
    Atomics.notify(cells, HOLDER);
    const release = await turn;
    expect(await woken.value).toBe('ok');
    release();
  });

  it('gathers the calls of a busy moment for a short window into one commit while the engine writes, and commits an idle call at once', async () => {
    const { api, engine } = two();
    const c = api.$client;
    let commits = 0;
    const exec = c.exec.bind(c);
    c.exec = (sql: string) => {
      if (sql === 'COMMIT') commits++;
      return exec(sql);
    };
    const insert = c.prepare('insert into t values (?)');
    const write = createGroupCommit(c, (x: number) => insert.run(x).changes, { windowMs: 30, busyMs: 1_000 });
    const t0 = performance.now();
    await write(1);
    // idle: no window
    expect(performance.now() - t0).toBeLessThan(25);
    expect(commits).toBe(1);
    // right after a commit, with the engine writing meanwhile (each group is a hand-over of the lock it waits through):
    // the next call waits the window, and those that come meanwhile join it
    engine.$client.transaction(() => engine.$client.prepare('insert into t values (0)').run())();
    const first = write(2);
    await new Promise((r) => setTimeout(r, 5));
    const second = write(3);
    await Promise.all([first, second]);
    expect(commits).toBe(2);
    expect((c.prepare('select count(*) n from t').get() as { n: number }).n).toBe(4);
  });

  it("counts the API's write transactions that wrote runs or journeys, as each gives the lock back; the engine's and other tables' do not count", async () => {
    const { api, engine } = two();
    const epoch = () => runsEpoch(engine.$client);
    expect(epoch()).toBe(0);
    api.$client.prepare('insert into t values (1)').run();
    engine.$client.prepare(`update runs set wake_at = null where id = -1`).run();
    expect(epoch()).toBe(0);

    // a bare write of runs, and an UPDATE OR IGNORE (a merge's)
    api.$client.prepare(`update runs set wake_at = null where id = -1`).run();
    api.$client.prepare(`update or ignore runs set contact_id = 2 where contact_id = -1`).run();
    expect(epoch()).toBe(2);

    // in a transaction: counted once, when it ends, never before (the engine cannot take the lock in between)
    api.$client.transaction(() => {
      api.$client.prepare(`update "journeys" set status = 'paused' where id = 'none'`).run();
      api.$client.prepare(`delete from runs where id = -1`).run();
      expect(epoch()).toBe(2);
    })();
    expect(epoch()).toBe(3);

    // the API's asynchronous way in, as group commit and the audit log take it
    const leave = await acquireWrite(api.$client);
    api.$client.exec('BEGIN IMMEDIATE');
    api.$client.prepare(`insert or ignore into journeys (id) select 'x' where 0`).run();
    api.$client.exec('COMMIT');
    expect(epoch()).toBe(3);
    leave();
    expect(epoch()).toBe(4);
    // journey_versions is not journeys
    api.$client.prepare(`delete from journey_versions where id = -1`).run();
    expect(epoch()).toBe(4);
    const alone = openDatabase(inDir('alone.db'));
    open.push(alone);
    expect(runsEpoch(alone.$client)).toBeNull();
  });
});
