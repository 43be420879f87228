import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client';
import { acquireEngineOwnership, EngineOwnedError, ownerAlive, ownershipOf, processStartTicks } from './ownership';
import { useTempDir } from '../testing/tempDir';
import { attachWriteGate, createWriteGate } from '../db/writeGate';
import { startServer } from '../app';
import { FakeClock } from '../clock';
import { testAdmin, testPasswordCost } from '../testing/signIn';
import { aTestWorld, silentSms } from '../testing/harness';
import { sendOnEventGraph } from '../../shared/fixtures/builders';
import { startEngineThread } from '../engine/thread/client';

const T0 = Date.UTC(2026, 10, 2, 4, 0);

describe('one engine per database file', () => {
  const inDir = useTempDir('ownership-test');

  const ownerRow = (path: string) => {
    const db = openDatabase(path);
    try {
      return db.$client.prepare('select owner, host, pid, heartbeat_at from engine_owner').get() as { owner: string; host: string; pid: number; heartbeat_at: number } | undefined;
    } finally {
      db.$client.close();
    }
  };

  it('the first connection owns it; a second one is refused with the owner’s pid and host, and closed', () => {
    const path = inDir('a.db');
    const first = openDatabase(path);
    const o = acquireEngineOwnership(first);
    expect(o.owner).toMatch(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{8}$`));
    expect(ownershipOf(first)?.owner).toBe(o.owner);
    const second = openDatabase(path);
    let refusal: unknown;
    try {
      acquireEngineOwnership(second);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(EngineOwnedError);
    expect((refusal as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect((refusal as Error).message).toContain(path);
    expect(second.$client.open).toBe(false);
    first.$client.close();
  });

  it('closing the owner’s connection gives the database up: the next server takes it at once', () => {
    const path = inDir('b.db');
    const first = openDatabase(path);
    acquireEngineOwnership(first);
    first.$client.close();
    expect(ownerRow(path)).toBeUndefined();
    const second = openDatabase(path);
    expect(() => acquireEngineOwnership(second)).not.toThrow();
    second.$client.close();
  });

  it('after a clean stop, the next server ends the leases the stopped one still held (an answer it could not record), so start-up recovery sends them', () => {
    const path = inDir('b2.db');
    const first = openDatabase(path);
    const o = acquireEngineOwnership(first);
    const now = Date.now();
    first.$client
      .prepare(
        `insert into messages (run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, lease_owner, lease_expires_at, history, created_at, updated_at)
         values (1, 'j', 1, 'sms', 1, 1, 'sms', 't', 'marketing', 'sending', ?, ?, '[]', 0, 0)`,
      )
      .run(o.owner, now + 300_000);
    first.$client.close();
    const second = openDatabase(path);
    acquireEngineOwnership(second, { wallNow: () => now });
    expect(second.$client.prepare('select lease_expires_at from messages').get()).toEqual({ lease_expires_at: now });
    second.$client.close();
  });

  it('an owner on another host is taken over only once its heartbeat is stale; its leases expire so recovery takes its messages back', () => {
    const path = inDir('c.db');
    const db = openDatabase(path);
    const c = db.$client;
    const now = Date.now();
    c.prepare(`insert into engine_owner (id, owner, host, pid, started_at, heartbeat_at) values (1, 'other-host:77:abcd', 'other-host', 77, ?, ?)`).run(now - 60_000, now - 5_000);
    expect(() => acquireEngineOwnership(db)).toThrow('pid 77 on other-host');

    const again = openDatabase(path);
    again.$client.prepare(`update engine_owner set heartbeat_at = ?`).run(now - 31_000);
    // a message the dead owner had out: its lease runs for minutes more, until the takeover ends it
    again.$client
      .prepare(
        `insert into messages (run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, lease_owner, lease_expires_at, history, created_at, updated_at)
         values (1, 'j', 1, 'sms', 1, 1, 'sms', 't', 'marketing', 'sending', 'other-host:77:abcd', ?, '[]', 0, 0)`,
      )
      .run(now + 300_000);
    const o = acquireEngineOwnership(again, { wallNow: () => now });
    expect(again.$client.prepare('select lease_expires_at from messages').get()).toEqual({ lease_expires_at: now });
    expect(again.$client.prepare('select owner, host, pid from engine_owner').get()).toEqual({ owner: o.owner, host: hostname(), pid: process.pid });
    again.$client.close();
  });

  it('an owner on this host whose process is gone (kill -9) is taken over at once, heartbeat or not', () => {
    const path = inDir('d.db');
    const db = openDatabase(path);
    db.$client.prepare(`insert into engine_owner (id, owner, host, pid, started_at, heartbeat_at) values (1, ?, ?, 4242, ?, ?)`).run(`${hostname()}:4242:beef`, hostname(), Date.now(), Date.now());
    expect(() => acquireEngineOwnership(db, { isAlive: (pid) => pid !== 4242 })).not.toThrow();
    db.$client.close();
  });

  it('an owner on this host whose process is alive keeps the database however stale its heartbeat (a server stopped with Ctrl-Z, a machine that slept)', () => {
    const path = inDir('d2.db');
    const db = openDatabase(path);
    const now = Date.now();
    db.$client
      .prepare(`insert into engine_owner (id, owner, host, pid, started_at, heartbeat_at) values (1, ?, ?, 4242, ?, ?)`)
      .run(`${hostname()}:4242:beef`, hostname(), now - 3_600_000, now - 600_000);
    expect(() => acquireEngineOwnership(db, { isAlive: () => true })).toThrow(`pid 4242 on ${hostname()}`);
  });

  it('a pid the system gave to a later process is not the owner: the owner row keeps its process’s start, in ticks since boot', () => {
    // the test runner's parent: alive, and its start as the kernel counts it
    const pid = process.ppid;
    const start = processStartTicks(pid);
    expect(start).not.toBeNull();
    expect(ownerAlive(pid, start)).toBe(true);
    expect(ownerAlive(pid, (start as number) + 1)).toBe(false);
    // an owner written by an earlier version, without its start: the pid alone decides
    expect(ownerAlive(pid, null)).toBe(true);

    const path = inDir('d3.db');
    const db = openDatabase(path);
    const row = db.$client.prepare(`insert into engine_owner (id, owner, host, pid, started_at, heartbeat_at, process_start) values (1, ?, ?, ?, ?, ?, ?)`);
    row.run(`${hostname()}:${pid}:cafe`, hostname(), pid, 1_000, 1_000, start);
    expect(() => acquireEngineOwnership(db)).toThrow(`pid ${pid} on ${hostname()}`);
    const again = openDatabase(path);
    again.$client.prepare('update engine_owner set process_start = process_start + 1').run();
    const o = acquireEngineOwnership(again);
    expect(again.$client.prepare('select pid, process_start from engine_owner').get()).toEqual({ pid: process.pid, process_start: processStartTicks(process.pid) });
    expect(o.owner).toMatch(`${hostname()}:${process.pid}:`);
    again.$client.close();
  });

  it('a server whose database another took over stops its engine, in process and on its thread: no tick, no claim; the API goes on', async () => {
    const w = aTestWorld(Date.UTC(2026, 10, 2, 4, 0), { sandbox: silentSms });
    const lines: string[] = [];
    try {
      const ownership = acquireEngineOwnership(w.db, { heartbeatMs: 5, log: (l) => lines.push(l) });
      const thread = await startEngineThread({ databasePath: w.dbPath, providers: {}, sandbox: silentSms, publicUrl: 'http://localhost:3000', owner: ownership.owner });
      try {
        let told = 0;
        ownership.onLost(() => {
          told++;
          thread.disown();
        });
        await w.publish(sendOnEventGraph());
        w.services.ingest.ingest([{ type: 'track', userId: 'u1', event: 'credit_rejected' }]);
        // the server on another host that took it over
        w.db.$client.prepare(`update engine_owner set owner = 'other-host:77:abcd', host = 'other-host', pid = 77`).run();
        await new Promise((r) => setTimeout(r, 50));
        expect(ownership.held()).toBe(false);
        expect(told).toBe(1);
        expect(lines).toEqual([expect.stringContaining('lost the database to another server: its engine stops')]);
        expect(await w.services.engine.tick(w.clock.now())).toBeNull();
        expect(await thread.tick(w.clock.now())).toBeNull();
        // the run stays where the event put it, and nothing was queued or sent
        expect(w.sql('select count(*) n from messages')).toEqual([{ n: 0 }]);
        // the API still ingests
        w.services.ingest.ingest([{ type: 'track', userId: 'u2', event: 'credit_rejected' }]);
        expect(w.sql('select count(*) n from runs')).toEqual([{ n: 2 }]);
      } finally {
        await thread.stop();
      }
    } finally {
      w.close();
    }
  });

  it('keeps its heartbeat fresh while it holds the database', async () => {
    const path = inDir('e.db');
    const db = openDatabase(path);
    let t = 1_000;
    acquireEngineOwnership(db, { wallNow: () => t, heartbeatMs: 5 });
    t = 2_000;
    await new Promise((r) => setTimeout(r, 30));
    expect(db.$client.prepare('select heartbeat_at from engine_owner').get()).toEqual({ heartbeat_at: 2_000 });
    db.$client.close();
  });

  it('waits for the write lock without stopping the event loop while the engine thread holds it, and beats once it is free', async () => {
    const path = inDir('f.db');
    const db = openDatabase(path);
    const gate = createWriteGate();
    attachWriteGate(db.$client, gate, 'api');
    const cells = new Int32Array(gate.buffer);
    let t = 1_000;
    acquireEngineOwnership(db, { wallNow: () => t, heartbeatMs: 5 });
    Atomics.store(cells, 0, 1); // the engine thread is inside a batch
    t = 2_000;
    // timers keep firing: a heartbeat that slept in SQLite's busy handler (or in the gate, synchronously) would stop them
    const started = performance.now();
    let turns = 0;
    while (performance.now() - started < 60) {
      await new Promise((r) => setTimeout(r, 5));
      turns++;
    }
    expect(turns).toBeGreaterThan(3);
    expect(db.$client.prepare('select heartbeat_at from engine_owner').get()).toEqual({ heartbeat_at: 1_000 });
    Atomics.store(cells, 0, 0);
    Atomics.notify(cells, 0);
    await new Promise((r) => setTimeout(r, 30));
    expect(db.$client.prepare('select heartbeat_at from engine_owner').get()).toEqual({ heartbeat_at: 2_000 });
    db.$client.close();
  });

  it('a second server on the same file refuses to start, naming the first one’s pid and host; once the first stops, it starts', async () => {
    const path = inDir('server.db');
    const options = {
      port: 0,
      host: '127.0.0.1',
      databasePath: path,
      clock: new FakeClock(T0),
      seedDemo: false,
      log: () => {},
      admin: testAdmin,
      services: { accounts: { passwordCost: testPasswordCost } },
    };
    const first = await startServer(options);
    try {
      await expect(startServer({ ...options, clock: new FakeClock(T0) })).rejects.toThrow(`Another server owns this database (${path}): pid ${process.pid} on ${hostname()}`);
      // the refused server changed nothing: the first one still owns the file and serves
      expect(ownerRow(path)?.pid).toBe(process.pid);
      expect((await fetch(`${first.url}/healthz`)).status).toBeLessThan(500);
    } finally {
      await first.close();
    }
    const second = await startServer({ ...options, clock: new FakeClock(T0) });
    await second.close();
    // three server starts, each with its engine thread and migrations: seconds on a busy two-core machine
  }, 30_000);
});
