import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import { DAY, HOUR } from '../../shared/util/time';
import { attachWriteGate, createWriteGate, observeWriteLock } from '../db/writeGate';
import { enrolChunk } from './enrol';
import { runSegmentEntries } from './segmentEntry';

const T0 = Date.UTC(2026, 10, 2, 4, 0);

/** trigger.event `event` → wait 1 day → exit, with the given settings. */
const waitADay = (event: string, settings: Parameters<ReturnType<typeof aGraph>['settings']>[0] = {}): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.event', { event })
    .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
    .node('done', 'exit', { reason: 'waited' })
    .then('entry', 'wait')
    .then('wait', 'done')
    .settings(settings)
    .build();

/** Segment entry on registered_never_logged_in, newest first, on `schedule` → wait 1 day → exit, with the given settings. */
const segmentWaitADay = (schedule: { every: 'once' } | { every: 'day'; at: string }, settings: Parameters<ReturnType<typeof aGraph>['settings']>[0] = {}): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in', schedule, order: 'newest_first' })
    .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
    .node('done', 'exit', {})
    .then('entry', 'wait')
    .then('wait', 'done')
    .settings(settings)
    .build();

describe('enrolment and runs', () => {
  let w: TestWorld;
  beforeEach(() => {
    w = aTestWorld(T0);
  });
  afterEach(() => w.close());

  const live = (graph: JourneyGraph, name?: string): Promise<string> => w.publish(graph, name);
  const track = (userId: string, event: string, properties: Record<string, unknown> = {}) => w.services.ingest.ingest([{ type: 'track', userId, event, properties }]);
  const runOf = (journeyId: string, userId: string) =>
    w.db.$client
      .prepare(`select r.status, r.node_id, r.entries, r.visit, r.exit_reason from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? and c.external_id = ?`)
      .get(journeyId, userId) as { status: string; node_id: string; entries: number; visit: number; exit_reason: string | null } | undefined;
  const advance = (ms: number) => w.caller.dev.advanceClock({ ms });

  it('event entry enrols on ingest; re-entry "never" keeps a contact out for good', async () => {
    const id = await live(waitADay('credit_rejected', { reentry: { policy: 'never' } }));
    track('a', 'credit_rejected');
    expect(runOf(id, 'a')).toMatchObject({ status: 'active', entries: 1 });
    await advance(2 * DAY);
    expect(runOf(id, 'a')).toMatchObject({ status: 'exited', exit_reason: 'waited' });
    track('a', 'credit_rejected');
    expect(runOf(id, 'a')).toMatchObject({ status: 'exited', entries: 1 });
  });

  it('re-entry "after exit": not while the run is live, again once it ended, visits keep counting', async () => {
    const id = await live(waitADay('credit_rejected', { reentry: { policy: 'after_exit' } }));
    track('a', 'credit_rejected');
    await advance(HOUR);
    track('a', 'credit_rejected');
    expect(runOf(id, 'a')).toMatchObject({ status: 'waiting', entries: 1 });
    await advance(DAY);
    const ended = runOf(id, 'a');
    expect(ended).toMatchObject({ status: 'exited' });
    track('a', 'credit_rejected');
    const again = runOf(id, 'a');
    expect(again).toMatchObject({ status: 'active', node_id: 'entry', entries: 2 });
    // the visit counter continues, so (run, node, visit) message keys of the second pass never collide with the first
    expect(again?.visit).toBeGreaterThan(ended?.visit ?? Infinity);
  });

  it('re-entry "after N days" counts from the last entry', async () => {
    const id = await live(waitADay('credit_rejected', { reentry: { policy: 'after_days', days: 30 } }));
    track('a', 'credit_rejected');
    await advance(5 * DAY);
    track('a', 'credit_rejected');
    expect(runOf(id, 'a')).toMatchObject({ status: 'exited', entries: 1 });
    await advance(26 * DAY);
    track('a', 'credit_rejected');
    expect(runOf(id, 'a')).toMatchObject({ status: 'active', entries: 2 });
  });

  it('a mutual-exclusion group keeps a contact in one of its journeys at a time', async () => {
    const a = await live(waitADay('credit_rejected', { exclusionGroup: 'recall' }), 'A');
    const b = await live(waitADay('app_opened', { exclusionGroup: 'recall' }), 'B');
    const other = await live(waitADay('app_opened'), 'no group');
    track('x', 'credit_rejected');
    track('x', 'app_opened');
    expect(runOf(a, 'x')?.status).toBe('active');
    expect(runOf(b, 'x')).toBeUndefined();
    expect(runOf(other, 'x')?.status).toBe('active');
    await advance(2 * DAY);
    track('x', 'app_opened');
    expect(runOf(b, 'x')?.status).toBe('active');
  });

  it('event entry honours the trigger filter', async () => {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_step_abandoned', filter: [{ property: 'step', op: 'eq', value: 'id_photo' }] })
      .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
      .node('done', 'exit', {})
      .then('entry', 'wait')
      .then('wait', 'done')
      .build();
    const id = await live(graph);
    track('p', 'credit_step_abandoned', { step: 'bank_card' });
    track('q', 'credit_step_abandoned', { step: 'id_photo' });
    expect(runOf(id, 'p')).toBeUndefined();
    expect(runOf(id, 'q')?.status).toBe('active');
  });

  it('exit criteria end a waiting run on ingest, wherever it is', async () => {
    const id = await live(waitADay('credit_rejected', { exitCriteria: [{ event: 'credit_granted', filter: [] }] }));
    track('a', 'credit_rejected');
    await advance(HOUR);
    expect(runOf(id, 'a')?.status).toBe('waiting');
    track('a', 'credit_granted');
    expect(runOf(id, 'a')).toMatchObject({ status: 'exited', exit_reason: 'exit_criteria:credit_granted' });
  });

  it("segment entry takes the newest registrations first and stops at the journey's maximum", async () => {
    w.services.ingest.ingest(Array.from({ length: 10 }, (_, i) => ({ type: 'identify' as const, userId: `r${i}`, traits: { registered_at: new Date(T0 - (10 - i) * DAY).toISOString() } })));
    const id = await live(segmentWaitADay({ every: 'day', at: '10:00' }, { entry: { from: null, until: null, maxContacts: 3 } }));
    await advance(0);
    const entered = (
      w.db.$client.prepare(`select c.external_id from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? order by c.external_id`).all(id) as { external_id: string }[]
    ).map((r) => r.external_id);
    expect(entered).toEqual(['r7', 'r8', 'r9']);
  });

  it('segment entry enrols enrolChunk contacts a transaction: an API writer waits for one chunk, not the whole segment', async () => {
    const n = 2 * enrolChunk + 500;
    // registered a day ago and after, never logged in (one INSERT…SELECT: ingesting 4,500 identify calls took 4.5 s)
    w.db.$client.exec(`with recursive k(i) as (select 0 union all select i + 1 from k where i < ${n - 1})
      insert into contacts (external_id, traits, opt_outs, registered_at, created_at, updated_at)
      select 's' || i, '{}', '[]', ${T0 - DAY} - i * 1000, ${T0}, ${T0} from k`);
    const id = await live(segmentWaitADay({ every: 'once' }));
    expect(w.sql<{ n: number }>('select count(*) n from runs where journey_id = ?', id)).toEqual([{ n: 0 }]);
    // the world's connection as the engine thread's, each write transaction a take of the shared lock
    attachWriteGate(w.db.$client, createWriteGate(), 'engine', 0);
    let takes = 0;
    observeWriteLock((role) => {
      if (role === 'engine') takes++;
    });
    try {
      const [entry] = runSegmentEntries(w.db, w.services.engine.live.live(), w.clock.now(), 'Asia/Shanghai');
      expect(entry?.enrolled).toBe(n);
      // the dated contacts in three ranges (2,000, 2,000 and the last 500), the undated in one (none here), then the enrolment's count
      expect(takes).toBe(3 + 1 + 1);
    } finally {
      observeWriteLock(null);
    }
    expect(w.sql<{ n: number }>('select count(*) n from runs where journey_id = ?', id)).toEqual([{ n }]);
  });

  it('a backlog drains in bounded batches: one tick moves at most batchSize × maxBatches runs', async () => {
    const id = await live(waitADay('credit_rejected'));
    w.services.ingest.ingest(Array.from({ length: 500 }, (_, i) => ({ type: 'track' as const, userId: `b${i}`, event: 'credit_rejected' })));
    const first = w.services.engine.runner.tick(w.clock.now(), { batchSize: 100, maxBatches: 2 });
    expect(first).toMatchObject({ batches: 2, stepped: 200, backlog: true });
    const rest = w.services.engine.runner.tick(w.clock.now(), { batchSize: 100, maxBatches: 10 });
    expect(rest).toMatchObject({ batches: 3, stepped: 300, backlog: false });
    const waiting = w.db.$client.prepare(`select count(*) n from runs where journey_id = ? and status = 'waiting'`).get(id) as { n: number };
    expect(waiting.n).toBe(500);
  });
});
