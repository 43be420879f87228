import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../../testing/harness';
import { aGraph, sendOnEventGraph } from '../../../shared/fixtures/builders';
import { startEngineThread, type EngineThread } from './client';
import { createWriteGate } from '../../db/writeGate';
import { writeLockHold } from '../../obs/metrics';
import { createEventInbox } from '../eventInbox';
import { SCHED_OTHER, schedOf } from '../../testing/sched';

/** 12:00 in Shanghai (the workspace's zone): inside sending hours. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
let thread: EngineThread | null = null;
beforeEach(() => {
  w = aTestWorld(NOON_SH, { sandbox: silentSms });
});
afterEach(async () => {
  await thread?.stop();
  thread = null;
  w.close();
});

const start = () => startEngineThread({ databasePath: w.dbPath, providers: {}, sandbox: silentSms, publicUrl: 'http://localhost:3000' });
const messages = () => w.sql<{ status: string; journey_id: string }>('select status, journey_id from messages order by id');

describe('the engine on its own thread', () => {
  it('steps the runs the API thread started and sends their messages, on its own connection', async () => {
    const id = await w.publish(sendOnEventGraph());
    thread = await start();
    w.services.ingest.ingest([
      { type: 'track', userId: 'u1', event: 'credit_rejected' },
      { type: 'track', userId: 'u2', event: 'credit_rejected' },
    ]);
    const t = await thread.tick(w.clock.now());
    expect(t).toMatchObject({ runs: expect.objectContaining({ stepped: 2 }), dispatch: expect.objectContaining({ sent: 2 }) });
    expect(messages()).toEqual([
      { status: 'delivered', journey_id: id },
      { status: 'delivered', journey_id: id },
    ]);
  });

  it("counts the thread's takes of the shared write lock in /metrics on the main thread, with each tick's reply", async () => {
    const engineTakes = async () => (await writeLockHold.get()).values.find((v) => v.metricName === 'journeys_write_lock_hold_seconds_count' && v.labels.thread === 'engine')?.value ?? 0;
    await w.publish(sendOnEventGraph());
    thread = await startEngineThread({ databasePath: w.dbPath, providers: {}, sandbox: silentSms, publicUrl: 'http://localhost:3000', writeGate: createWriteGate() });
    w.services.ingest.ingest([{ type: 'track', userId: 'u1', event: 'credit_rejected' }]);
    const before = await engineTakes();
    // a runner batch (a write transaction) and the dispatcher's claim, start and settle (three more)
    expect(await thread.tick(w.clock.now())).toMatchObject({ runs: expect.objectContaining({ stepped: 1 }), dispatch: expect.objectContaining({ sent: 1 }) });
    expect((await engineTakes()) - before).toBeGreaterThanOrEqual(4);
  });

  it('enrols a segment journey published after it started once told to invalidate, not before', async () => {
    w.services.ingest.ingest([{ type: 'identify', userId: 'seg-1', traits: { registered_at: new Date(NOON_SH - 86_400_000).toISOString() } }]);
    thread = await start();
    expect(await thread.tick(w.clock.now())).toMatchObject({ enrolled: 0 });
    const graph = aGraph()
      .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in', schedule: { every: 'once', at: '10:00' } })
      .node('done', 'exit', {})
      .then('entry', 'done')
      .build();
    await w.publish(graph, 'Recall once');
    // the thread keeps its index of live journeys (built on its first tick) until told
    expect(await thread.tick(w.clock.now())).toMatchObject({ enrolled: 0 });
    thread.invalidate();
    expect(await thread.tick(w.clock.now())).toMatchObject({ enrolled: 1 });
    expect(w.sql('select count(*) n from runs')).toEqual([{ n: 1 }]);
  });

  it('indexes the inbox backlog a tick left without waiting for the next tick, which counts it in its report', async () => {
    w.services.ingest.ingest([{ type: 'identify', userId: 'u1' }]);
    const contactId = w.sql<{ id: number }>(`select id from contacts where external_id = 'u1'`)[0]?.id ?? 0;
    const inbox = createEventInbox(w.db);
    // 450 requests of one event: a tick begins two batches of 200 at most (eventInbox.ts, engine/index.ts)
    w.db.$client.transaction(() => {
      for (let i = 0; i < 450; i++) inbox.enqueue([{ contactId, name: 'tap', type: 'track', properties: {}, at: NOON_SH, messageId: `tap-${i}` }], NOON_SH);
    })();
    thread = await start();
    const first = (await thread.tick(w.clock.now()))?.inbox;
    expect(first).toMatchObject({ backlog: true });
    const left = 450 - (first?.indexed ?? 0);
    await vi.waitFor(() => expect(inbox.backlog().events).toBe(0), { timeout: 4_000, interval: 20 });
    expect(w.sql(`select count(*) n from events where name = 'tap'`)).toEqual([{ n: 450 }]);
    expect((await thread.tick(w.clock.now()))?.inbox).toEqual({ indexed: left, duplicates: 0, backlog: false });
  });

  it('asked for background where chrt cannot set SCHED_IDLE: stays at normal, not nice 19, which the starvation guard could not raise', async () => {
    const path = process.env.PATH;
    // the thread takes its environment as it is when started
    process.env.PATH = '/nonexistent';
    try {
      thread = await startEngineThread({ databasePath: w.dbPath, providers: {}, sandbox: silentSms, publicUrl: 'http://localhost:3000', priority: 'background' });
    } finally {
      process.env.PATH = path;
    }
    expect(thread.priority).toMatchObject({ policy: 'normal', tid: expect.any(Number) });
    expect(schedOf(thread.priority.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 0 });
  });

  it('reports an error a tick throws on the thread as a rejected tick, with its message', async () => {
    thread = await start();
    w.db.$client.exec('drop table scheduled_events');
    await expect(thread.tick(w.clock.now())).rejects.toThrow(/engine thread: .*scheduled_events/);
  });
});
