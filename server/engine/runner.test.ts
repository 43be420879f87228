import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph, sendOnEventGraph } from '../../shared/fixtures/builders';
import { DAY } from '../../shared/util/time';
import { createRunner, inDueOrder, runColumns, runRowOf } from './runner';
import { createMachineCache } from './machines';

/** 12:00 in Shanghai (the workspace's zone). */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

const waitADay = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
    .node('done', 'exit', { reason: 'waited' })
    .then('entry', 'wait')
    .then('wait', 'done')
    .build();

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld(NOON_SH);
});
afterEach(() => w.close());

describe('runner: runs it cannot step', () => {
  const run = (userId: string) =>
    w.sql<{ status: string; exit_reason: string | null; wake_at: number | null }>(
      `select r.status, r.exit_reason, r.wake_at from runs r join contacts c on c.id = r.contact_id where c.external_id = ?`,
      userId,
    )[0];

  async function twoWaiting(): Promise<string> {
    const id = await w.publish(waitADay(), 'Wait a day');
    w.services.ingest.ingest([
      { type: 'track', userId: 'gone', event: 'credit_rejected' },
      { type: 'track', userId: 'stays', event: 'credit_rejected' },
    ]);
    await w.caller.dev.advanceClock({ ms: 0 });
    return id;
  }

  it('a due run whose contact was deleted exits with contact_missing, counted, instead of being claimed again on every tick', async () => {
    const id = await twoWaiting();
    const [gone] = w.sql<{ id: number }>(`select id from contacts where external_id = 'gone'`);
    const [runId] = w.sql<{ id: number }>(`select id from runs where contact_id = ?`, gone!.id);
    w.db.$client.prepare('delete from contacts where id = ?').run(gone!.id);

    w.clock.advance(DAY);
    const tick = w.services.engine.runner.tick(w.clock.now());
    expect(tick).toMatchObject({ stepped: 1, exited: 2, backlog: false });
    expect(w.sql(`select status, exit_reason, wake_at from runs where id = ?`, runId!.id)).toEqual([{ status: 'exited', exit_reason: 'contact_missing', wake_at: null }]);
    expect(run('stays')).toMatchObject({ status: 'exited', exit_reason: 'waited' });
    // nothing is left due, and the counters agree with the rows
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 0, stepped: 0 });
    expect(w.sql(`select node_id, label, count from metrics where journey_id = ? and metric = 'exited' and label = 'contact_missing'`, id)).toEqual([
      { node_id: 'wait', label: 'contact_missing', count: 1 },
    ]);
    expect(w.sql(`select node_id, active from node_gauges where active <> 0`)).toEqual([]);
  });

  it('a due run whose journey version is gone exits with version_missing', async () => {
    await twoWaiting();
    const [v] = w.sql<{ id: number }>(`select id from journey_versions`);
    w.db.$client.prepare('delete from journey_versions where id = ?').run(v!.id);
    // a fresh process: nothing cached
    const runner = createRunner({ db: w.db, machines: createMachineCache(w.db), settings: () => w.services.workspace.settings() });
    w.clock.advance(DAY);
    expect(runner.tick(w.clock.now())).toMatchObject({ stepped: 0, exited: 2 });
    expect([run('gone'), run('stays')]).toEqual([
      { status: 'exited', exit_reason: 'version_missing', wake_at: null },
      { status: 'exited', exit_reason: 'version_missing', wake_at: null },
    ]);
    expect(runner.tick(w.clock.now())).toMatchObject({ batches: 0 });
  });

  it('a run whose contact was deleted while its SMS waited out quiet hours exits, and the SMS is suppressed with it', async () => {
    w.close();
    w = aTestWorld(Date.UTC(2026, 10, 2, 15, 0)); // 23:00 in Shanghai
    const id = await w.publish(sendOnEventGraph(), 'SMS');
    w.services.ingest.ingest([{ type: 'track', userId: 'gone', event: 'credit_rejected' }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(w.sql(`select status from messages`)).toEqual([{ status: 'deferred' }]);
    w.db.$client.prepare(`delete from contacts where external_id = 'gone'`).run();
    await w.caller.dev.advanceClock({ ms: 12 * 60 * 60 * 1000 });
    expect(w.sql(`select status, reason from messages`)).toEqual([{ status: 'suppressed', reason: 'exited:contact_missing' }]);
    expect(w.sql(`select status, exit_reason from runs`)).toEqual([{ status: 'exited', exit_reason: 'contact_missing' }]);
    expect(w.sql(`select label, count from metrics where journey_id = ? and metric = 'suppressed'`, id)).toEqual([{ label: 'exited:contact_missing', count: 1 }]);
  });
});

describe('runner: a contact is loaded only for the steps that read it', () => {
  it('in one batch, runs split between an exit (no contact read) and an SMS (caps, quiet hours) each take their own arm', async () => {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
      .node('split', 'split.random', {
        arms: [
          { key: 'a', label: 'A', weight: 50 },
          { key: 'b', label: 'B', weight: 50 },
        ],
      })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('sent', 'exit', { reason: 'sent' })
      .node('skipped', 'exit', { reason: 'skipped' })
      .then('entry', 'wait')
      .then('wait', 'split')
      .then('split', 'sms', 'a')
      .then('split', 'skipped', 'b')
      .then('sms', 'sent')
      .build();
    await w.publish(graph, 'Split after a day');
    w.services.ingest.ingest(Array.from({ length: 40 }, (_, i) => ({ type: 'track' as const, userId: `u${i}`, event: 'credit_rejected' })));
    await w.caller.dev.advanceClock({ ms: 0 });
    w.clock.advance(DAY);
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ stepped: 40, batches: 1 });
    const runs = w.sql<{ exit_reason: string; messages: number }>(`select r.exit_reason, (select count(*) from messages m where m.run_id = r.id and m.node_id = 'sms') messages from runs r`);
    const arms = new Map<string, number[]>();
    for (const r of runs) arms.set(r.exit_reason, [...(arms.get(r.exit_reason) ?? []), r.messages]);
    // both arms in the batch, whichever came first: one SMS for each run of arm a, none for arm b
    expect([...arms.keys()].sort()).toEqual(['sent', 'skipped']);
    expect(arms.get('sent')?.every((n) => n === 1)).toBe(true);
    expect(arms.get('skipped')?.every((n) => n === 0)).toBe(true);
  });
});

describe('runner: the claim', () => {
  const row = (id: number, wakeAt: number, nodeEnteredAt: number) => runRowOf([id, 'j', 1, id, 'wait', 'waiting', 2, wakeAt, null, 0, nodeEnteredAt, null]);

  it('puts a batch in due order (wake time, then the longest at its node, then id) whatever order the rows came in', () => {
    const rows = [row(5, 200, 50), row(1, 300, 10), row(2, 200, 60), row(3, 200, 50), row(4, 100, 90)];
    expect(inDueOrder(rows).map((r) => r.id)).toEqual([4, 3, 5, 2, 1]);
    const sorted = [row(4, 100, 90), row(3, 200, 50), row(5, 200, 50)];
    expect(inDueOrder(sorted)).toBe(sorted);
  });
});

describe('runner: a batch is written by groups of runs that took the same step', () => {
  /** the branch that sends gold contacts (trait tier = gold) one way and everyone else the other */
  const goldTier = { cases: [{ key: 'gold', label: 'Gold', conditions: [{ type: 'trait', trait: 'tier', op: 'eq', value: 'gold' }] }] };

  /** gold contacts get a push then an SMS, everyone else the SMS alone; then all wait a day */
  const byTier = () =>
    aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('tier', 'branch.condition', goldTier)
      .node('push', 'send', { channel: 'push', template: 'idle_push' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
      .node('done', 'exit', { reason: 'waited' })
      .then('entry', 'tier')
      .then('tier', 'push', 'gold')
      .then('tier', 'sms', 'else')
      .then('push', 'sms')
      .then('sms', 'wait')
      .then('wait', 'done')
      .build();

  /** Gold contacts wait at w1, the others at w2, each for its own time; then the SMS and out. */
  const goldWaitsThenSms = ({ goldMinutes, otherMinutes }: { goldMinutes: number; otherMinutes: number }) =>
    aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('tier', 'branch.condition', goldTier)
      .node('w1', 'wait.duration', { amount: goldMinutes, unit: 'minutes' })
      .node('w2', 'wait.duration', { amount: otherMinutes, unit: 'minutes' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('done', 'exit', { reason: 'sent' })
      .then('entry', 'tier')
      .then('tier', 'w1', 'gold')
      .then('tier', 'w2', 'else')
      .then('w1', 'sms')
      .then('w2', 'sms')
      .then('sms', 'done')
      .build();

  it('runs that took different routes in one batch each get their own state, path and messages, in the order their step sent them', async () => {
    const id = await w.publish(byTier(), 'By tier');
    w.services.ingest.ingest([
      { type: 'identify', userId: 'g1', traits: { tier: 'gold', phone: '+8613800000001' } },
      { type: 'identify', userId: 'p1', traits: { phone: '+8613800000002' } },
      { type: 'identify', userId: 'g2', traits: { tier: 'gold', phone: '+8613800000003' } },
      { type: 'identify', userId: 'p2', traits: { phone: '+8613800000004' } },
      ...['g1', 'p1', 'g2', 'p2'].map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })),
    ]);
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 1, stepped: 4, queued: 6 });

    const runs = w.sql<{ who: string; node_id: string; status: string; visit: number; wake_at: number; path: string }>(
      `select c.external_id who, r.node_id, r.status, r.visit, r.wake_at, r.path from runs r join contacts c on c.id = r.contact_id order by c.external_id`,
    );
    const at = NOON_SH;
    const goldPath = [
      ['entry', 1, at, null],
      ['tier', 2, at, 'next'],
      ['push', 3, at, 'gold'],
      ['sms', 4, at, 'next'],
      ['wait', 5, at, 'next'],
    ];
    const plainPath = [
      ['entry', 1, at, null],
      ['tier', 2, at, 'next'],
      ['sms', 3, at, 'else'],
      ['wait', 4, at, 'next'],
    ];
    expect(runs.map((r) => ({ ...r, path: JSON.parse(r.path) as unknown }))).toEqual([
      { who: 'g1', node_id: 'wait', status: 'waiting', visit: 5, wake_at: at + DAY, path: goldPath },
      { who: 'g2', node_id: 'wait', status: 'waiting', visit: 5, wake_at: at + DAY, path: goldPath },
      { who: 'p1', node_id: 'wait', status: 'waiting', visit: 4, wake_at: at + DAY, path: plainPath },
      { who: 'p2', node_id: 'wait', status: 'waiting', visit: 4, wake_at: at + DAY, path: plainPath },
    ]);
    // each contact's messages in id order are its step's sends in order: the push before the SMS
    const messages = w.sql<{ who: string; node_id: string; visit: number; status: string }>(
      `select c.external_id who, m.node_id, m.visit, m.status from messages m join contacts c on c.id = m.contact_id order by m.id`,
    );
    const of = (who: string) => messages.filter((m) => m.who === who).map((m) => [m.node_id, m.visit, m.status]);
    expect(of('g1')).toEqual([
      ['push', 3, 'queued'],
      ['sms', 4, 'queued'],
    ]);
    expect(of('g2')).toEqual([
      ['push', 3, 'queued'],
      ['sms', 4, 'queued'],
    ]);
    expect(of('p1')).toEqual([['sms', 3, 'queued']]);
    expect(of('p2')).toEqual([['sms', 3, 'queued']]);
    expect(w.sql(`select node_id, metric, label, count from metrics where journey_id = ? and metric in ('entered', 'queued', 'edge') order by node_id, metric, label`, id)).toEqual([
      { node_id: 'entry', metric: 'edge', label: 'next', count: 4 },
      { node_id: 'entry', metric: 'entered', label: '', count: 4 },
      { node_id: 'push', metric: 'edge', label: 'next', count: 2 },
      { node_id: 'push', metric: 'entered', label: '', count: 2 },
      { node_id: 'push', metric: 'queued', label: '', count: 2 },
      { node_id: 'sms', metric: 'edge', label: 'next', count: 4 },
      { node_id: 'sms', metric: 'entered', label: '', count: 4 },
      { node_id: 'sms', metric: 'queued', label: '', count: 4 },
      { node_id: 'tier', metric: 'edge', label: 'else', count: 2 },
      { node_id: 'tier', metric: 'edge', label: 'gold', count: 2 },
      { node_id: 'tier', metric: 'entered', label: '', count: 4 },
      { node_id: 'wait', metric: 'entered', label: '', count: 4 },
    ]);
  });

  it('runs that reach the same node along the same path from different nodes count each their own edge', async () => {
    // gold contacts wait at w1, the others at w2; an hour later both go on to the SMS and out, same visits, same path
    const twoWaits = goldWaitsThenSms({ goldMinutes: 60, otherMinutes: 60 });
    const id = await w.publish(twoWaits, 'Two waits');
    w.services.ingest.ingest([
      { type: 'identify', userId: 'g', traits: { tier: 'gold' } },
      { type: 'track', userId: 'g', event: 'credit_rejected' },
      { type: 'track', userId: 'p', event: 'credit_rejected' },
    ]);
    w.services.engine.runner.tick(w.clock.now());
    w.clock.advance(60 * 60 * 1000);
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 1, stepped: 2, exited: 2 });
    const paths = w.sql<{ path: string }>(`select path from runs order by id`).map((r) => (JSON.parse(r.path) as unknown[][]).slice(3));
    expect(paths[0]).toEqual(paths[1]); // the same path since the waits: one group
    expect(w.sql(`select node_id, label, count from metrics where journey_id = ? and metric = 'edge' and node_id in ('w1', 'w2', 'sms') order by node_id`, id)).toEqual([
      { node_id: 'sms', label: 'next', count: 2 },
      { node_id: 'w1', label: 'next', count: 1 },
      { node_id: 'w2', label: 'next', count: 1 },
    ]);
    expect(w.sql(`select node_id, count from metrics where journey_id = ? and metric = 'entered' and node_id in ('sms', 'done') order by node_id`, id)).toEqual([
      { node_id: 'done', count: 2 },
      { node_id: 'sms', count: 2 },
    ]);
  });

  it('runs that end in the same state but were held back for different reasons keep each their own reason', async () => {
    // no SMS at all today: the opted-out contact is suppressed for the opt-out, the other one for the cap; both go on to wait
    await w.caller.policy.set({ caps: [{ channel: 'sms', max: 0, windowHours: 24 }], quietHours: [] });
    const skipThenWait = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms', whenCapped: 'skip' })
      .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
      .node('done', 'exit', { reason: 'waited' })
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'done')
      .build();
    const id = await w.publish(skipThenWait, 'Skip then wait');
    w.services.ingest.ingest([
      { type: 'track', userId: 'out', event: 'unsubscribed', properties: { channel: 'sms' } },
      ...['out', 'capped', 'capped2'].map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })),
    ]);
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 1, stepped: 3, queued: 0, withheld: 3 });
    expect(w.sql(`select distinct node_id, status, visit, wake_at from runs`)).toEqual([{ node_id: 'wait', status: 'waiting', visit: 3, wake_at: NOON_SH + DAY }]);
    expect(w.sql(`select c.external_id who, m.status, m.reason from messages m join contacts c on c.id = m.contact_id order by c.external_id`)).toEqual([
      { who: 'capped', status: 'suppressed', reason: 'cap:sms:0/24h' },
      { who: 'capped2', status: 'suppressed', reason: 'cap:sms:0/24h' },
      { who: 'out', status: 'suppressed', reason: 'opted_out:sms' },
    ]);
    expect(w.sql(`select label, count from metrics where journey_id = ? and metric = 'suppressed' order by label`, id)).toEqual([
      { label: 'cap:sms:0/24h', count: 2 },
      { label: 'opted_out:sms', count: 1 },
    ]);
  });

  it('runs of different outcomes that send the same message get their message ids in due order, not by outcome or run id', async () => {
    // gold contacts wait half an hour at w1, the others an hour at w2; then the SMS and out
    const byWait = goldWaitsThenSms({ goldMinutes: 30, otherMinutes: 60 });
    await w.publish(byWait, 'By wait');
    const enter = (userId: string, traits: Record<string, unknown>) => {
      w.services.ingest.ingest([
        { type: 'identify', userId, traits },
        { type: 'track', userId, event: 'credit_rejected' },
      ]);
      w.services.engine.runner.tick(w.clock.now());
    };
    enter('p1', { phone: '+8613800000001' }); // run 1, due at +60 min
    w.clock.advance(25 * 60 * 1000);
    enter('g1', { phone: '+8613800000002', tier: 'gold' }); // run 2, due at +55 min
    w.clock.advance(15 * 60 * 1000);
    enter('g2', { phone: '+8613800000003', tier: 'gold' }); // run 3, due at +70 min
    w.clock.advance(60 * 60 * 1000);
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 1, stepped: 3, queued: 3 });
    expect(w.sql(`select c.external_id who from messages m join contacts c on c.id = m.contact_id order by m.id`)).toEqual([{ who: 'g1' }, { who: 'p1' }, { who: 'g2' }]);
  });

  it("trait writes land in due order, so the contact keeps the last step's value, as the batch's own steps saw it", async () => {
    const setsStage = (event: string, stage: string) =>
      aGraph()
        .node('entry', 'trigger.event', { event })
        .node('pause', 'wait.duration', { amount: 1, unit: 'hours' })
        .node('mark', 'action.setTrait', { trait: 'stage', value: stage })
        .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
        .node('done', 'exit', { reason: 'waited' })
        .then('entry', 'pause')
        .then('pause', 'mark')
        .then('mark', 'wait')
        .then('wait', 'done')
        .build();
    await w.publish(setsStage('credit_rejected', 'partner_offer'), 'Rejected');
    await w.publish(setsStage('loan_repaid', 'upsell'), 'Repaid');
    // runs in due order: c1 in Rejected, c2 in Repaid, c2 in Rejected
    w.services.ingest.ingest([
      { type: 'track', userId: 'c1', event: 'credit_rejected' },
      { type: 'track', userId: 'c2', event: 'loan_repaid' },
      { type: 'track', userId: 'c2', event: 'credit_rejected' },
    ]);
    w.services.engine.runner.tick(w.clock.now());
    w.clock.advance(60 * 60 * 1000);
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 1, stepped: 3 });
    expect(w.sql(`select external_id, traits ->> 'stage' stage from contacts order by external_id`)).toEqual([
      { external_id: 'c1', stage: 'partner_offer' },
      { external_id: 'c2', stage: 'partner_offer' },
    ]);
  });

  it('refuses a batch that holds one run twice, and writes none of it', async () => {
    await w.publish(byTier(), 'By tier');
    w.services.ingest.ingest([{ type: 'track', userId: 'p1', event: 'credit_rejected' }]);
    const [row] = w.db.$client.prepare(`select ${runColumns} from runs`).raw(true).all() as unknown[][];
    const run = runRowOf(row!);
    expect(() => w.services.engine.runner.advance([run, run], () => ({ type: 'start' }), w.clock.now())).toThrow(/run \d+ twice in one batch/);
    expect(w.sql(`select node_id, status from runs`)).toEqual([{ node_id: 'entry', status: 'active' }]);
    expect(w.sql(`select count(*) n from messages`)).toEqual([{ n: 0 }]);
  });
});
