import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { RuleSet } from '../../shared/segments/rules';
import { loadMessageTemplates } from '../library/loadLibrary';
import { MINUTE } from '../../shared/util/time';
import { journeyErrorsOf } from './journeyErrors';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
const N = 20;

let w: TestWorld;
afterEach(() => w.close());

const tick = () => w.caller.dev.advanceClock({ ms: MINUTE });
const contactsNamed = (prefix: string) => Array.from({ length: N }, (_, i) => `${prefix}${i}`);
const identify = (ids: string[], traits: Record<string, unknown>) =>
  w.services.ingest.ingest(ids.map((userId, i) => ({ type: 'identify' as const, userId, traits: { ...traits, phone: `+86138${String(i).padStart(8, '0')}${userId.length}` } })));
const track = (ids: string[], event: string) => w.services.ingest.ingest(ids.map((userId) => ({ type: 'track' as const, userId, event })));

/** messages of a journey that reached the provider */
const sentBy = (journeyId: string) => w.sql<{ n: number }>(`select count(*) n from messages where journey_id = ? and status in ('sent', 'delivered')`, journeyId)[0]?.n;
const runsOf = (journeyId: string) =>
  w.sql<{ node_id: string; status: string; due: number }>(`select node_id, status, wake_at is not null and wake_at <= ? due from runs where journey_id = ?`, w.clock.now(), journeyId);
const errorOf = async (id: string) => {
  const j = await w.caller.journeys.get({ id });
  return { error: j.error, erroredAt: j.erroredAt };
};

/** `entry` → an SMS with `template` → exit */
const smsJourney = (entry: { kind: 'trigger.segment'; segment: string } | { kind: 'trigger.event'; event: string }, template = 'recall_sms'): JourneyGraph =>
  aGraph()
    .node('entry', entry.kind, entry.kind === 'trigger.segment' ? { segment: entry.segment, schedule: { every: 'hour' }, order: 'newest_first' } : { event: entry.event })
    .node('sms', 'send', { channel: 'sms', template })
    .node('done', 'exit', { reason: 'sent' })
    .then('entry', 'sms')
    .then('sms', 'done')
    .build();

describe('poisoned-journey isolation: segment entry', () => {
  const tierA: RuleSet = { match: 'all', conditions: [{ type: 'trait', trait: 'tier', op: 'eq', value: 'a' }] };

  it.each([
    [
      'an `in` list of 1,000 ids (SQLite: expression tree too deep)',
      { match: 'all', conditions: [{ type: 'trait', trait: 'id', op: 'in', value: Array.from({ length: 1000 }, (_, i) => `u${i}`) }] },
      /Expression tree is too large/,
    ],
    ['a NUL in a trait name (SQLite: bad JSON path)', { match: 'all', conditions: [{ type: 'trait', trait: 'ti\u0000er', op: 'eq', value: 'a' }] }, /bad JSON path/],
  ])('a segment rule whose SQL fails, %s, marks its journey; the healthy journey beside it sends everything', async (_, poison, why) => {
    w = aTestWorld(NOON_SH, { sandbox: silentSms });
    identify(contactsNamed('c'), { tier: 'a' });
    await w.caller.segments.save({ key: 'tier_a', name: 'Tier A', rules: tierA });
    // saved before rules were checked (segments.save refuses it now): straight into the table
    w.db.$client.prepare(`insert into segments (key, name, description, rules, updated_at) values ('poisoned', 'Poisoned', '', ?, ?)`).run(JSON.stringify(poison), w.clock.now());
    // published first, so its entry runs first: before, its throw ended the tick for everyone
    const poisoned = await w.publish(smsJourney({ kind: 'trigger.segment', segment: 'poisoned' }), 'Poisoned');
    const healthy = await w.publish(smsJourney({ kind: 'trigger.segment', segment: 'tier_a' }), 'Healthy');

    await tick();
    expect(sentBy(healthy)).toBe(N);
    const marked = await errorOf(poisoned);
    expect(marked.error).toMatch(/^segment entry \(segment "poisoned"\): /);
    expect(marked.error).toMatch(why);
    expect(marked.erroredAt).toBe(NOON_SH);
    expect(runsOf(poisoned)).toEqual([]);
    // the list says so too, and the healthy journey is healthy
    const list = await w.caller.journeys.list();
    expect(list.find((j) => j.id === poisoned)).toMatchObject({ status: 'live', error: marked.error, erroredAt: NOON_SH });
    expect(list.find((j) => j.id === healthy)).toMatchObject({ status: 'live', error: null, erroredAt: null });

    // an hour on, segment entry skips it (the first reason stays) until someone clears it
    await w.caller.dev.advanceClock({ ms: 61 * MINUTE });
    expect(await errorOf(poisoned)).toEqual(marked);

    // fixed and cleared: it enrols on the next tick
    await w.caller.segments.save({ key: 'poisoned', name: 'Poisoned', rules: tierA });
    await w.caller.journeys.clearError({ id: poisoned });
    await tick();
    expect(await errorOf(poisoned)).toEqual({ error: null, erroredAt: null });
    expect(runsOf(poisoned)).toHaveLength(N);
  });
});

describe('poisoned-journey isolation: the runner', () => {
  /** the two journeys' runs fall due together, so one batch holds both */
  async function poisonedAndHealthy(poison: (journeyId: string) => void, template?: string) {
    w = aTestWorld(NOON_SH, { sandbox: silentSms });
    const p = contactsNamed('p');
    const h = contactsNamed('h');
    identify([...p, ...h], {});
    const poisoned = await w.publish(smsJourney({ kind: 'trigger.event', event: 'credit_rejected' }, template), 'Poisoned');
    const healthy = await w.publish(smsJourney({ kind: 'trigger.event', event: 'app_login' }), 'Healthy');
    poison(poisoned);
    // interleaved: p0, h0, p1, h1 … enter at the same moment
    w.services.ingest.ingest(
      p.flatMap((id, i) => [
        { type: 'track' as const, userId: id, event: 'credit_rejected' },
        { type: 'track' as const, userId: h[i] as string, event: 'app_login' },
      ]),
    );
    expect(runsOf(poisoned).filter((r) => r.due)).toHaveLength(N);
    return { poisoned, healthy, p, h };
  }

  it('a step that throws (a node kind this server does not know) marks its journey; its runs stay where they were, due; the rest of the batch is written', async () => {
    const { poisoned, healthy, p } = await poisonedAndHealthy((id) => {
      // a version written by other code (or by hand): its SMS node's kind is unknown here
      w.db.$client.prepare(`update journey_versions set machine = json_set(machine, '$.nodes.sms.kind', 'send.v9') where journey_id = ?`).run(id);
    });
    await tick();
    expect(sentBy(healthy)).toBe(N);
    expect((await errorOf(poisoned)).error).toBe('runner: node "sms" is of kind "send.v9", which this server does not know');
    expect(runsOf(poisoned)).toEqual(Array.from({ length: N }, () => ({ node_id: 'entry', status: 'active', due: 1 })));
    expect(w.sql(`select count(*) n from messages where journey_id = ?`, poisoned)).toEqual([{ n: 0 }]);

    // the claim passes over them: nothing to step, no backlog, not claimed again and again
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 0, stepped: 0, backlog: false });
    // and events pass it by: its trigger enrols no one new while it is errored
    identify(['late'], {});
    track(['late', ...p], 'credit_rejected');
    expect(runsOf(poisoned)).toHaveLength(N);
  });

  it('a template that cannot be loaded at enqueue time marks its journey; once the template is back and the error cleared, its runs send', async () => {
    const { poisoned, healthy } = await poisonedAndHealthy(() => {
      w.db.$client.exec(`delete from template_versions where template_key = 'dropoff_d1_sms'; delete from templates where key = 'dropoff_d1_sms'`);
    }, 'dropoff_d1_sms');
    await tick();
    expect(sentBy(healthy)).toBe(N);
    expect((await errorOf(poisoned)).error).toBe('runner: template "dropoff_d1_sms" does not exist');
    expect(runsOf(poisoned).every((r) => r.node_id === 'entry' && r.due)).toBe(true);

    // cleared before the cause is fixed: the engine marks it again at once, nothing lost
    await w.caller.journeys.clearError({ id: poisoned });
    await tick();
    expect((await errorOf(poisoned)).error).toBe('runner: template "dropoff_d1_sms" does not exist');
    expect(sentBy(poisoned)).toBe(0);

    w.services.templates.importLibrary(loadMessageTemplates(), 'library');
    await w.caller.journeys.clearError({ id: poisoned });
    await tick();
    expect(await errorOf(poisoned)).toEqual({ error: null, erroredAt: null });
    expect(sentBy(poisoned)).toBe(N);
    expect(runsOf(poisoned).every((r) => r.status === 'exited')).toBe(true);
  });
});

describe('poisoned-journey isolation: the dispatcher', () => {
  it('a template that throws as its message renders marks its journey with the reason; the other journey’s messages all go', async () => {
    w = aTestWorld(NOON_SH, { sandbox: silentSms });
    const p = contactsNamed('p');
    const h = contactsNamed('h');
    identify([...p, ...h], {});
    const poisoned = await w.publish(smsJourney({ kind: 'trigger.event', event: 'credit_rejected' }), 'Poisoned');
    const healthy = await w.publish(smsJourney({ kind: 'trigger.event', event: 'app_login' }), 'Healthy');
    track(p, 'credit_rejected');
    track(h, 'app_login');
    w.services.engine.runner.tick(w.clock.now());
    // queued, then the version they render is gone (a retry renders the version it was first rendered with)
    w.db.$client.prepare(`update messages set template_version = 99 where journey_id = ?`).run(poisoned);
    await tick();
    expect(sentBy(healthy)).toBe(N);
    expect((await errorOf(poisoned)).error).toBe('dispatcher: template "recall_sms" v99 does not exist');
    expect(w.sql(`select status, count(*) n from messages where journey_id = ? group by status`, poisoned)).toEqual([{ status: 'failed', n: N }]);
    // its runs are passed over from now on, until an operator clears the error
    track(['late'], 'credit_rejected');
    expect(w.sql(`select count(*) n from runs where journey_id = ?`, poisoned)).toEqual([{ n: N }]);
  });
});

describe('poisoned-journey isolation: event routing', () => {
  it("an errored journey's runs let the event they wait for pass, its exit criteria and trigger too, until it is cleared", async () => {
    w = aTestWorld(NOON_SH, { sandbox: silentSms });
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('login', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('done', 'exit', { reason: 'done' })
      .then('entry', 'login')
      .then('login', 'sms', 'event')
      .then('login', 'done', 'timeout')
      .then('sms', 'done')
      .settings({ exitCriteria: [{ event: 'loan_drawn', filter: [] }] })
      .build();
    const id = await w.publish(graph, 'Waits');
    identify(['a', 'b', 'c'], {});
    track(['a', 'b'], 'credit_rejected');
    await tick();
    expect(runsOf(id).map((r) => r.node_id)).toEqual(['login', 'login']);

    journeyErrorsOf(w.db).mark(id, 'runner: something', w.clock.now());
    track(['a'], 'app_login');
    track(['b'], 'loan_drawn');
    track(['c'], 'credit_rejected');
    await tick();
    expect(w.sql(`select c.external_id who, r.node_id, r.status from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? order by who`, id)).toEqual([
      { who: 'a', node_id: 'login', status: 'waiting' },
      { who: 'b', node_id: 'login', status: 'waiting' },
    ]);

    await w.caller.journeys.clearError({ id });
    track(['a'], 'app_login');
    await tick();
    expect(w.sql(`select r.status, r.exit_reason from runs r join contacts c on c.id = r.contact_id where c.external_id = 'a'`)).toEqual([{ status: 'exited', exit_reason: 'done' }]);
    expect(sentBy(id)).toBe(1);
  });
});

describe('journeys.clearError', () => {
  it("is the operator's, audited, and refused for a journey with no error", async () => {
    w = aTestWorld(NOON_SH);
    const id = await w.publish(smsJourney({ kind: 'trigger.event', event: 'credit_rejected' }), 'J');
    const viewer = w.as(['viewer']).caller;
    await expect(viewer.journeys.clearError({ id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(w.as(['operator']).caller.journeys.clearError({ id })).rejects.toMatchObject({ code: 'CONFLICT', message: 'journey "J" has no engine error to clear' });

    w.db.$client.prepare(`update journeys set error = 'runner: boom', errored_at = 1 where id = ?`).run(id);
    expect(await w.as(['operator'], 'op2').caller.journeys.clearError({ id })).toEqual({ id, cleared: 'runner: boom' });
    expect(w.sql(`select error, errored_at from journeys where id = ?`, id)).toEqual([{ error: null, errored_at: null }]);
    const [row] = w.sql<{ action: string; object_id: string; diff: string }>(`select action, object_id, diff from audit_events where action = 'journeys.clearError'`);
    expect(row).toMatchObject({ action: 'journeys.clearError', object_id: id });
    expect(row?.diff).toContain('runner: boom');
  });
});
