import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';
import { aGraph } from '../../shared/fixtures/builders';
import { DAY, HOUR } from '../../shared/util/time';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { Trace } from './traceContact';

let w: TestWorld;
afterEach(() => w.close());

/** Monday 2 Nov 2026, 00:00 UTC = 08:00 in Shanghai: quiet hours until 09:00. */
const S = Date.UTC(2026, 10, 2, 0, 0);
const iso = (t: number) => new Date(t).toISOString();

/** Rejected → branch on the limit → SMS (deferred by quiet hours) → wait for a login 3 days → exit, or a robo-call. */
const graph = (): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' }, 'Rejected')
    .node('big', 'branch.condition', { cases: [{ key: 'big', label: 'Big limit', match: 'all', conditions: [{ type: 'trait', trait: 'limit', op: 'gte', value: 5000 }] }] }, 'Limit ≥ 5000?')
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' }, 'Recall SMS')
    .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } }, 'Wait for login')
    .node('call', 'send', { channel: 'voice', template: 'recall_call' }, 'Robo-call')
    .node('recalled', 'exit', { reason: 'recalled' }, 'Recalled')
    .node('small', 'exit', { reason: 'small_limit' }, 'Small limit')
    .node('done', 'exit', { reason: 'no_response' }, 'Done')
    .then('entry', 'big')
    .then('big', 'sms', 'big')
    .then('big', 'small', 'else')
    .then('sms', 'wait')
    .then('wait', 'recalled', 'event')
    .then('wait', 'call', 'timeout')
    .then('call', 'done')
    .build();

/** Three contacts rejected at S: one logs in a day later, one never does, one has a small limit; one opted out of SMS. */
function aWorld(): TestWorld {
  w = aTestWorld(S, { rngSeed: 7 });
  w.services.ingest.ingest([
    { type: 'identify', userId: 'logs-in', traits: { name: '甲', phone: '+8613900000001', limit: 8000 } },
    { type: 'identify', userId: 'silent', traits: { name: '乙', phone: '+8613900000002', limit: 6000 } },
    { type: 'identify', userId: 'small', traits: { name: '丙', phone: '+8613900000003', limit: 1000 } },
    { type: 'identify', userId: 'opted-out', traits: { name: '丁', phone: '+8613900000004', limit: 9000 } },
    { type: 'track', userId: 'opted-out', event: 'unsubscribed', properties: { channel: 'sms' }, timestamp: iso(S - DAY) },
  ]);
  return w;
}

/** The nodes a trace says the contact reached, in order, as the runs' path lists them. */
const pathOf = (t: Trace): string[] => t.steps.filter((s) => ['entry', 'node', 'branch'].includes(s.kind)).map((s) => s.nodeId ?? '');

describe('testing.trace', () => {
  it('says step by step where the draft takes one contact and why: the branch with the value it saw, quiet hours, the wait and the login that ended it; and writes nothing', async () => {
    aWorld();
    const { id } = await w.caller.journeys.create({ name: 'Rejected' });
    await w.caller.journeys.saveDraft({ id, graph: graph() });
    await w.services.simulation?.advance(DAY);
    w.services.ingest.ingest([{ type: 'track', userId: 'logs-in', event: 'app_login', timestamp: iso(S + DAY) }]);
    await w.services.simulation?.advance(4 * DAY);
    const { caller } = w.as(['operator'], 'olga');
    // a trace must leave every table as it was
    const before = w.tableDigests();
    const t = await caller.testing.trace({ journeyId: id, externalId: 'logs-in', from: S });
    expect(w.tableDigests()).toEqual(before);

    expect(pathOf(t)).toEqual(['entry', 'big', 'sms', 'wait', 'recalled']);
    const lines = t.steps.map((s) => s.text);
    const branch = t.steps.find((s) => s.kind === 'branch');
    expect(branch?.details).toContain('  trait limit gte 5000: saw 8000 → yes');
    expect(lines).toContain('Leaves by "big"');
    const deferred = t.steps.find((s) => s.kind === 'deferred');
    expect(deferred?.text).toBe('SMS recall_sms deferred by quiet hours until 09:00 Asia/Shanghai');
    // each line also as data, which the client words in the reader's language (client/trace/traceText.ts)
    expect(deferred?.say).toEqual({ code: 'withheld', channel: 'sms', template: 'recall_sms', decision: 'deferred', reason: 'quiet_hours:21:00-09:00', until: S + HOUR });
    expect(deferred?.why).toEqual([{ code: 'held_by', reason: 'quiet_hours:21:00-09:00' }]);
    expect(branch?.why).toContainEqual({ code: 'trait', trait: 'limit', op: 'gte', value: '5000', saw: '8000', held: true, indent: true });
    expect(t.steps.find((s) => s.kind === 'port')?.say).toEqual({ code: 'leaves_by', port: 'big', label: 'Big limit' });
    expect(t.steps.every((s) => s.details.length === s.why.length)).toBe(true);
    expect(t.steps.filter((s) => s.kind === 'send').map((s) => [s.nodeId, s.at])).toEqual([['sms', S + HOUR]]);
    expect(lines).toContain('Waits for app_login, at most until 2026-11-05 09:00 Asia/Shanghai');
    expect(lines).toContain('Recorded event app_login at 2026-11-03 08:00 Asia/Shanghai');
    expect(lines).toContain('Exits: recalled');
    expect(t.end).toMatchObject({ status: 'exited', exitReason: 'recalled' });
    expect(t.steps.every((s) => !s.projected)).toBe(true);
  });

  it('suppressed by an opt-out, the else branch, and a wait that runs past now (projected)', async () => {
    aWorld();
    const { id } = await w.caller.journeys.create({ name: 'Rejected' });
    await w.caller.journeys.saveDraft({ id, graph: graph() });
    const opted = await w.caller.testing.trace({ journeyId: id, externalId: 'opted-out', from: S + 2 * HOUR });
    expect(opted.steps.find((s) => s.kind === 'suppressed')?.text).toBe('SMS recall_sms suppressed: opted out of SMS');
    // no event recorded yet and now is S: the wait's timeout and the call are projected
    const call = opted.steps.find((s) => s.kind === 'send' && s.nodeId === 'call');
    expect(call).toMatchObject({ at: S + 2 * HOUR + 3 * DAY, projected: true });
    expect(opted.end).toMatchObject({ status: 'exited', exitReason: 'no_response' });
    const small = await w.caller.testing.trace({ journeyId: id, externalId: 'small', from: S });
    expect(pathOf(small)).toEqual(['entry', 'big', 'small']);
    expect(small.steps.find((s) => s.kind === 'branch')?.details).toContain('  trait limit gte 5000: saw 1000 → no');
  });

  it('goes where the live engine takes the same contacts over the same events (the same step, policy and clock)', async () => {
    const people = ['logs-in', 'silent', 'small', 'opted-out'];
    /** The same week in a world: everyone rejected at S, one login a day later; with the draft published in it, or only saved. */
    const aWeek = async (publish: boolean) => {
      aWorld();
      const { id } = await w.caller.journeys.create({ name: 'Rejected' });
      await w.caller.journeys.saveDraft({ id, graph: graph() });
      if (publish) await w.caller.journeys.publish({ id });
      w.services.ingest.ingest(people.map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected', timestamp: iso(S) })));
      await w.services.simulation?.advance(DAY + 5 * HOUR);
      w.services.ingest.ingest([{ type: 'track', userId: 'logs-in', event: 'app_login', timestamp: iso(S + DAY + 5 * HOUR) }]);
      await w.services.simulation?.advance(5 * DAY);
      return id;
    };
    // traced where nothing ran live (the live run's own messages would take the trace's cap slots)…
    const draftId = await aWeek(false);
    const traces = await Promise.all(people.map((p) => w.caller.testing.trace({ journeyId: draftId, externalId: p, from: S })));
    w.close();
    // …and run live in a world of its own
    await aWeek(true);
    const runs = w.sql<{ external_id: string; path: string; exit_reason: string }>('select c.external_id, r.path, r.exit_reason from runs r join contacts c on c.id = r.contact_id');
    expect(runs).toHaveLength(people.length);
    for (const [i, p] of people.entries()) {
      const live = runs.find((r) => r.external_id === p);
      const trace = traces[i] as Trace;
      expect(pathOf(trace), p).toEqual((JSON.parse(live?.path ?? '[]') as [string][]).map(([n]) => n));
      expect(trace.end.exitReason, p).toBe(live?.exit_reason);
    }
    // and the messages: what the trace sent or suppressed is what the outbox holds, at the same times
    const outbox = w.sql<{ external_id: string; node_id: string; status: string; queued_at: number | null }>(
      'select c.external_id, m.node_id, m.status, m.queued_at from messages m join contacts c on c.id = m.contact_id order by m.id',
    );
    for (const [i, p] of people.entries()) {
      const traced = (traces[i] as Trace).steps.filter((s) => s.kind === 'send' || s.kind === 'suppressed').map((s) => `${s.nodeId ?? ''}:${s.kind === 'send' ? `sent@${s.at}` : 'suppressed'}`);
      const live = outbox.filter((m) => m.external_id === p).map((m) => `${m.node_id}:${m.status === 'suppressed' ? 'suppressed' : `sent@${m.queued_at ?? 'never'}`}`);
      expect(traced, p).toEqual(live);
    }
  });

  it('is an operator’s, and refuses a draft with problems or an unknown contact', async () => {
    aWorld();
    const { id } = await w.caller.journeys.create({ name: 'Broken' });
    await w.caller.journeys.saveDraft({ id, graph: aGraph().node('entry', 'trigger.event', { event: 'x' }).build() });
    expect((await rejection(w.caller.testing.trace({ journeyId: id, externalId: 'small', from: S }))).message).toMatch(/the draft has \d+ problem\(s\); fix them before a trace/);
    await w.caller.journeys.saveDraft({ id, graph: graph() });
    expect(await rejection(w.caller.testing.trace({ journeyId: id, externalId: 'nobody', from: S }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejection(w.as(['viewer']).caller.testing.trace({ journeyId: id, externalId: 'small', from: S }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
