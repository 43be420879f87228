import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { aRejectionRecall } from '../../shared/fixtures/rejectionRecall';
import type { JourneyGraph } from '../../shared/journey/graph';
import { DAY, HOUR } from '../../shared/util/time';
import { rejection } from '../testing/rejection';
import type { ServiceError } from './errors';

/** 12:00 in Shanghai: no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** v1: credit_rejected → SMS → wait a day for app_opened → (timeout) call → exit; (event) exit. */
const v1 = (): JourneyGraph => aRejectionRecall().build();

/** v2: the wait is a new node `wait2` (same kind, waits for app_login), and a second SMS `sms2` comes before the call. */
const v2 = (): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' }, 'Recall SMS')
    .node('wait2', 'wait.event', { event: 'app_login', timeout: { amount: 1, unit: 'days' } }, 'Logged in?')
    .node('sms2', 'send', { channel: 'sms', template: 'recall_sms' }, 'Second SMS')
    .node('call', 'send', { channel: 'voice', template: 'recall_call' }, 'Recall call')
    .node('done', 'exit', { reason: 'called' })
    .node('opened', 'exit', { reason: 'opened' })
    .then('entry', 'sms')
    .then('sms', 'wait2')
    .then('wait2', 'sms2', 'timeout')
    .then('wait2', 'opened', 'event')
    .then('sms2', 'call')
    .then('call', 'done')
    .build();

interface RunRow {
  version: number;
  status: string;
  node_id: string;
  visit: number;
  wake_at: number | null;
  waiting_for: string | null;
}

describe('live-version migration', () => {
  let w: TestWorld;
  beforeEach(() => {
    // the sandbox answers nobody: a simulated login (5-10% a message, by the world's random seed) would move a contact the test follows
    w = aTestWorld(NOON_SH, { sandbox: silentChannels });
  });
  afterEach(() => w.close());

  const advance = (ms: number) => w.caller.dev.advanceClock({ ms });
  const track = (userId: string, event: string) => w.services.ingest.ingest([{ type: 'track', userId, event }]);
  const runOf = (journeyId: string, userId: string): RunRow | undefined =>
    w.sql<RunRow>(
      `select v.version, r.status, r.node_id, r.visit, r.wake_at, r.waiting_for from runs r join contacts c on c.id = r.contact_id join journey_versions v on v.id = r.version_id
       where r.journey_id = ? and c.external_id = ? order by v.version`,
      journeyId,
      userId,
    )[0];
  const channelsOf = (userId: string): string[] =>
    w
      .sql<{ channel: string }>(`select m.channel from messages m join contacts c on c.id = m.contact_id where c.external_id = ? and m.status in ('sent', 'delivered') order by m.id`, userId)
      .map((r) => r.channel);

  /** A live v1 with `waiting` contacts at its wait (and `due` ones entered but not stepped yet), then v2 published. */
  async function liveWithV2(waiting: string[], due: string[] = []): Promise<string> {
    const id = await w.publish(v1(), 'Recall');
    for (const u of waiting) track(u, 'credit_rejected');
    await advance(0);
    for (const u of waiting) expect(runOf(id, u)).toMatchObject({ version: 1, status: 'waiting', node_id: 'wait', wake_at: NOON_SH + DAY, waiting_for: 'app_opened' });
    w.clock.advance(HOUR);
    for (const u of due) track(u, 'credit_rejected');
    await w.caller.journeys.saveDraft({ id, graph: v2() });
    await w.caller.journeys.publish({ id });
    return id;
  }

  /** Every per-node figure of the overlay equals what the raw runs say (as analytics.reconcile.test.ts checks). */
  async function expectReconciled(id: string) {
    const o = await w.caller.analytics.journeyOverlay({ journeyId: id });
    const fig = (f: (x: (typeof o.nodes)[string]) => number) => Object.fromEntries(Object.entries(o.nodes).flatMap(([k, v]) => (f(v) ? [[k, f(v)]] : [])));
    const raw = (sql: string) => Object.fromEntries(w.sql<{ k: string; n: number }>(sql, id).map((r) => [r.k, r.n]));
    expect(fig((x) => x.entered)).toEqual(raw(`select p.value ->> 0 k, count(*) n from runs r, json_each(r.path) p where r.journey_id = ? group by k`));
    expect(fig((x) => x.waiting)).toEqual(raw(`select node_id k, count(*) n from runs where journey_id = ? and status <> 'exited' group by node_id`));
    const edges = raw(
      `select src || '/' || port k, count(*) n from (select lag(p.value ->> 0) over (partition by r.id order by p.key) src, p.value ->> 3 port from runs r, json_each(r.path) p where r.journey_id = ?) where port is not null group by k`,
    );
    expect(Object.fromEntries(o.edges.map((e) => [`${e.source}/${e.port}`, e.count]))).toEqual(edges);
    const exits = Object.fromEntries(Object.entries(o.nodes).flatMap(([k, v]) => Object.entries(v.exitReasons).flatMap(([reason, n]) => (n ? [[`${k}/${reason}`, n]] : []))));
    expect(exits).toEqual(raw(`select node_id || '/' || exit_reason k, count(*) n from runs where journey_id = ? and status = 'exited' group by node_id, exit_reason`));
    expect(fig((x) => x.queued)).toEqual(raw(`select node_id k, count(*) n from messages where journey_id = ? and queued_at is not null group by node_id`));
    // the gauges per (version, node) themselves, not only their sum per node
    const gauges = Object.fromEntries(
      w
        .sql<{ k: string; n: number }>(
          `select g.version_id || '/' || g.node_id k, g.active n from node_gauges g join journey_versions v on v.id = g.version_id where v.journey_id = ? and g.active <> 0`,
          id,
        )
        .map((r) => [r.k, r.n]),
    );
    expect(gauges).toEqual(raw(`select version_id || '/' || node_id k, count(*) n from runs where journey_id = ? and status <> 'exited' group by version_id, node_id`));
  }

  it('the automatic mapping moves waiting contacts to the same kind of wait with their wake-up time; they go on in v2 and every count reconciles', async () => {
    const id = await liveWithV2(['a', 'b', 'c']);
    const plan = await w.caller.migrations.plan({ id });
    expect(plan.from.version).toBe(1);
    expect(plan.to.version).toBe(2);
    expect(plan.auto).toMatchObject({ entry: 'entry', sms: 'sms', wait: 'wait2', call: 'call' });
    expect(plan.rows.find((r) => r.nodeId === 'wait')).toMatchObject({ inFlight: 3, movable: 3, to: 'wait2', mode: 'keep' });
    expect(plan.totals).toEqual({ inFlight: 3, moving: 3, staying: 0 });

    const r = await w.caller.migrations.migrate({ id });
    expect(r).toMatchObject({ fromVersion: 1, toVersion: 2, moved: 3, stayed: 0, byNode: [{ from: 'wait', to: 'wait2', mode: 'keep', moved: 3 }] });
    // same timer; now waiting for the new node's event
    expect(runOf(id, 'a')).toMatchObject({ version: 2, status: 'waiting', node_id: 'wait2', wake_at: NOON_SH + DAY, waiting_for: 'app_login' });
    await expectReconciled(id);

    // the new node's event moves them on v2's edges; the old one no longer does
    track('a', 'app_opened');
    track('b', 'app_login');
    await advance(0);
    expect(runOf(id, 'a')).toMatchObject({ status: 'waiting', node_id: 'wait2' });
    expect(runOf(id, 'b')).toMatchObject({ status: 'exited', node_id: 'opened' });
    // c's timer fires at the kept time, onto v2's second SMS and the call
    await advance(DAY);
    expect(runOf(id, 'c')).toMatchObject({ status: 'exited', node_id: 'done' });
    expect(channelsOf('c')).toEqual(['sms', 'sms', 'voice']);
    await expectReconciled(id);
  });

  it('an override to another kind enters the new node afresh on the next tick; an unmapped node keeps its contacts on v1', async () => {
    // d entered v1 but the engine has not stepped it yet: due, it may be in a batch right now, so it stays
    const id = await liveWithV2(['a', 'b'], ['d']);
    const plan = await w.caller.migrations.plan({ id, overrides: { wait: 'sms2' } });
    expect(plan.rows.find((r) => r.nodeId === 'wait')).toMatchObject({ to: 'sms2', mode: 'restart', movable: 2 });
    expect(plan.rows.find((r) => r.nodeId === 'entry')).toMatchObject({ inFlight: 1, movable: 0, due: 1 });

    const r = await w.caller.migrations.migrate({ id, overrides: { wait: 'sms2' } });
    expect(r).toMatchObject({ moved: 2, stayed: 1 });
    expect(runOf(id, 'a')).toMatchObject({ version: 2, status: 'active', node_id: 'sms2', visit: 4, wake_at: NOON_SH + HOUR, waiting_for: null });
    expect(runOf(id, 'd')).toMatchObject({ version: 1, status: 'active', node_id: 'entry' });
    await expectReconciled(id);
    await advance(0);
    // a entered sms2 (its SMS capped at one a day: deferred, it waits there); d ran through v1
    expect(runOf(id, 'a')).toMatchObject({ version: 2, status: 'waiting', node_id: 'sms2' });
    expect(runOf(id, 'd')).toMatchObject({ version: 1, status: 'waiting', node_id: 'wait' });
    await expectReconciled(id);
    // mapping a node to null keeps its contacts where they are
    const none = await w.caller.migrations.migrate({ id, overrides: { wait: null } });
    expect(none).toMatchObject({ moved: 0, stayed: 1 });
    expect(runOf(id, 'd')).toMatchObject({ version: 1, node_id: 'wait' });
    await advance(DAY);
    expect(runOf(id, 'a')).toMatchObject({ status: 'exited', node_id: 'done' });
    expect(channelsOf('a')).toEqual(['sms', 'sms', 'voice']);
    await expectReconciled(id);
  });

  it('cannot race the engine: runs the runner has claimed (due) stay put while the migration moves the rest, and its write of them still adds up', async () => {
    const id = await w.publish(v1(), 'Recall');
    for (const u of ['a', 'b']) track(u, 'credit_rejected');
    await advance(0);
    w.clock.advance(2 * HOUR);
    track('c', 'credit_rejected');
    await advance(0);
    await w.caller.journeys.saveDraft({ id, graph: v2() });
    await w.caller.journeys.publish({ id });
    // a's and b's timers fall due: the runner claims them, as a tick does, and the migration commits before its write
    w.clock.advance(NOON_SH + DAY - w.clock.now());
    const { runColumns, runRowOf } = await import('../engine/runner');
    const claimed = (w.db.$client.prepare(`select ${runColumns} from runs where wake_at <= ?`).raw().all(w.clock.now()) as unknown[][]).map(runRowOf);
    expect(claimed).toHaveLength(2);
    const r = await w.caller.migrations.migrate({ id });
    expect(r).toMatchObject({ moved: 1, stayed: 2 });
    expect(runOf(id, 'c')).toMatchObject({ version: 2, node_id: 'wait2', wake_at: NOON_SH + 2 * HOUR + DAY });
    // the runner's write, by run id from the state it read, lands on runs the migration left alone
    w.services.engine.runner.advance(claimed, () => ({ type: 'timer' }), w.clock.now());
    for (const u of ['a', 'b']) expect(runOf(id, u)).toMatchObject({ version: 1, node_id: 'done', status: 'exited' });
    await expectReconciled(id);
  });

  it('a run that leaves a send node where its message waits (deferred) takes the message with it, counted as suppressed', async () => {
    const id = await w.publish(v1(), 'Recall');
    // 22:00 in Shanghai: the SMS falls in quiet hours and is deferred; the run waits at the send node
    w.clock.advance(10 * HOUR);
    track('n', 'credit_rejected');
    await advance(0);
    expect(runOf(id, 'n')).toMatchObject({ status: 'waiting', node_id: 'sms' });
    await w.caller.journeys.saveDraft({ id, graph: v2() });
    await w.caller.journeys.publish({ id });
    const r = await w.caller.migrations.migrate({ id, overrides: { sms: 'wait2' } });
    expect(r.byNode).toEqual([{ from: 'sms', to: 'wait2', mode: 'restart', moved: 1 }]);
    expect(w.sql<{ status: string; reason: string }>(`select status, reason from messages`)).toEqual([{ status: 'suppressed', reason: 'migrated' }]);
    const o = await w.caller.analytics.journeyOverlay({ journeyId: id });
    expect(o.nodes.sms?.suppressed).toEqual({ migrated: 1 });
    await advance(0);
    expect(runOf(id, 'n')).toMatchObject({ version: 2, status: 'waiting', node_id: 'wait2', waiting_for: 'app_login' });
    await expectReconciled(id);
  });

  it('a contact already in the new version stays on the old one (one run per contact and version)', async () => {
    const id = await liveWithV2(['a']);
    const before = (await w.caller.migrations.plan({ id })).rows.find((r) => r.nodeId === 'wait');
    expect(before).toMatchObject({ inFlight: 1, movable: 1, inTarget: 0 });
    // a enters v2 as well (enrolment, as a segment entry would)
    const v2Id = w.sql<{ id: number }>(`select id from journey_versions where journey_id = ? and version = 2`, id)[0]?.id as number;
    const contact = w.sql<{ id: number }>(`select id from contacts where external_id = 'a'`)[0]?.id as number;
    const { sql } = await import('drizzle-orm');
    const { runStore } = await import('../runs');
    runStore(w.db).enter({ journeyId: id, versionId: v2Id, entry: 'entry', exclusionGroup: null }, sql`id = ${contact}`, w.clock.now());
    const plan = await w.caller.migrations.plan({ id });
    expect(plan.rows.find((r) => r.nodeId === 'wait')).toMatchObject({ inFlight: 1, movable: 0, inTarget: 1 });
    expect(await w.caller.migrations.migrate({ id })).toMatchObject({ moved: 0, stayed: 1 });
    expect(runOf(id, 'a')).toMatchObject({ version: 1, node_id: 'wait' });
  });

  it('with three versions, it moves from the newest old version with contacts in flight unless told which', async () => {
    const id = await liveWithV2(['a']);
    track('b', 'credit_rejected');
    await advance(0);
    expect(runOf(id, 'b')).toMatchObject({ version: 2, node_id: 'wait2' });
    const v3 = v2();
    v3.nodes = v3.nodes.map((n) => (n.id === 'done' ? { ...n, config: { reason: 'called_v3' } } : n));
    await w.caller.journeys.saveDraft({ id, graph: v3 });
    await w.caller.journeys.publish({ id });
    const plan = await w.caller.migrations.plan({ id });
    expect(plan.sources).toEqual([
      { version: 2, inFlight: 1 },
      { version: 1, inFlight: 1 },
    ]);
    expect([plan.from.version, plan.to.version]).toEqual([2, 3]);
    expect(await w.caller.migrations.migrate({ id, fromVersion: 1 })).toMatchObject({ fromVersion: 1, toVersion: 3, moved: 1 });
    expect(runOf(id, 'a')).toMatchObject({ version: 3, node_id: 'wait2' });
    expect(runOf(id, 'b')).toMatchObject({ version: 2, node_id: 'wait2' });
    await expectReconciled(id);
  });

  it('refuses what cannot be migrated, naming what is wrong, and changes nothing', async () => {
    const id = await liveWithV2(['a']);
    await expect(w.caller.migrations.migrate({ id, overrides: { wait: 'nowhere' } })).rejects.toThrow('node "nowhere" (mapped from "wait") is not a node of the new version');
    await expect(w.caller.migrations.migrate({ id, overrides: { ghost: 'wait2' } })).rejects.toThrow('node "ghost" is not a node of the old version');
    await expect(w.caller.migrations.migrate({ id, fromVersion: 7 })).rejects.toThrow('journey "Recall" has no version 7');
    await expect(w.caller.migrations.migrate({ id, fromVersion: 2 })).rejects.toThrow('version 2 is the live version of "Recall"');
    await expect(w.caller.migrations.migrate({ id: 'nope' })).rejects.toThrow(/nope/);
    await w.caller.journeys.pause({ id });
    await expect(w.caller.migrations.migrate({ id })).rejects.toThrow(`journey "Recall" is paused; only a live journey's contacts can be migrated`);
    const one = await w.publish(v1(), 'Single');
    await expect(w.caller.migrations.plan({ id: one })).rejects.toThrow('has only one published version');
    expect(runOf(id, 'a')).toMatchObject({ version: 1, node_id: 'wait' });
    // a viewer may look but not move
    const viewer = w.as(['viewer']).caller;
    await expect(viewer.migrations.migrate({ id })).rejects.toThrow('needs the operator role');
  });

  it('refuses by stable code with params, which the client words in the reader’s language (issue 18)', async () => {
    const id = await liveWithV2(['a']);
    const refOf = async (p: Promise<unknown>) => ((await rejection(p)).cause as ServiceError).messageRef;
    expect(await refOf(w.caller.migrations.migrate({ id, overrides: { wait: 'nowhere' } }))).toEqual({ code: 'migrate_unknown_node', params: { field: 'to', node: 'nowhere', from: 'wait' } });
    expect(await refOf(w.caller.migrations.migrate({ id, overrides: { ghost: 'wait2' } }))).toEqual({ code: 'migrate_unknown_node', params: { field: 'from', node: 'ghost', from: 'ghost' } });
    expect(await refOf(w.caller.migrations.migrate({ id, fromVersion: 7 }))).toEqual({ code: 'journey_no_version', params: { name: 'Recall', version: 7 } });
    expect(await refOf(w.caller.migrations.migrate({ id, fromVersion: 2 }))).toEqual({ code: 'migrate_from_live', params: { name: 'Recall', version: 2 } });
    await w.caller.journeys.pause({ id });
    expect(await refOf(w.caller.migrations.migrate({ id }))).toEqual({ code: 'migrate_not_live', params: { name: 'Recall', status: 'paused' } });
    const one = await w.publish(v1(), 'Single');
    expect(await refOf(w.caller.migrations.plan({ id: one }))).toEqual({ code: 'migrate_one_version', params: { name: 'Single', count: 1 } });
  });

  it('is audited: who moved what where', async () => {
    const id = await liveWithV2(['a', 'b']);
    await w.caller.migrations.migrate({ id });
    const rows = w.sql<{ action: string; object_id: string; diff: string }>(`select action, object_id, diff from audit_events where action = 'migrations.migrate'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.object_id).toBe(id);
    expect(JSON.parse(rows[0]?.diff ?? '{}')).toMatchObject({ result: { moved: 2, fromVersion: 1, toVersion: 2 } });
  });

  it("the publish dialog's forecast shows who the automatic mapping would move where, before publishing", async () => {
    const id = await w.publish(v1(), 'Recall');
    for (const u of ['a', 'b']) track(u, 'credit_rejected');
    await advance(0);
    await w.caller.journeys.saveDraft({ id, graph: v2() });
    const f = await w.caller.journeys.forecast({ id });
    expect(f.migration).toMatchObject({ fromVersion: 1, inFlight: 2, moving: 2, moves: [{ from: 'wait', to: 'wait2', mode: 'keep', inFlight: 2, moving: 2 }] });
  });
});
