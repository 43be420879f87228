import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import { RuleSet } from '../../shared/segments/rules';
import { evaluateRuleSet, type ProfileEvent } from '../../shared/segments/evaluate';
import { capUntil, decide, quietUntil, type LedgerEntry } from '../../shared/policy/decide';
import { smsStats } from '../../shared/templates/sms';
import type { Channel } from '../../shared/journey/channels';
import { DAY, HOUR } from '../../shared/util/time';
import { createForecastService } from './forecast';
import { createTemplateStore } from '../templates/store';

/** 12:00 in Shanghai (the workspace's zone): 23:00 the day before in New York, quiet hours there. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** registered, never logged in → SMS → wait 3 days for app_login (at most twice round) → timeout: robo-call → back to the wait. */
const recall = (exclusionGroup: string | null = 'recall'): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in', schedule: { every: 'day', at: '10:00' } })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' }, maxVisits: 2 })
    .node('call', 'send', { channel: 'voice', template: 'recall_call' })
    .node('done', 'exit', { reason: 'logged_in' })
    .then('entry', 'sms')
    .then('sms', 'wait')
    .then('wait', 'done', 'event')
    .then('wait', 'call', 'timeout')
    .then('call', 'wait')
    .settings({ exclusionGroup })
    .build();

/** credit_rejected → partner SMS → wait 3 days → exit, in the `recall` exclusion group: the journey already live. */
const partner = (): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('wait', 'wait.duration', { amount: 3, unit: 'days' })
    .node('done', 'exit', {})
    .then('entry', 'sms')
    .then('sms', 'wait')
    .then('wait', 'done')
    .settings({ exclusionGroup: 'recall' })
    .build();

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld(NOON_SH, { sandbox: silentSms });
});
afterEach(() => w.close());

interface Row {
  id: number;
  external_id: string;
  traits: string;
  timezone: string | null;
  opt_outs: string;
  registered_at: number | null;
}

/** 40 contacts of every sort: members and not, opted out, in New York (quiet now), in the live partner journey (capped, same group). */
async function populate(): Promise<string> {
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', null];
  w.services.ingest.ingest(
    Array.from({ length: 40 }, (_, i) => ({
      type: 'identify' as const,
      userId: `u${i}`,
      traits: {
        name: `用户${i}`,
        limit: 5000,
        phone: `+86138${String(i).padStart(8, '0')}`,
        // every fifth registered long ago: not in the segment
        registered_at: new Date(NOON_SH - (i % 5 === 0 ? 200 : 1 + (i % 60)) * DAY).toISOString(),
        ...(zones[i % 4] ? { timezone: zones[i % 4] } : {}),
      },
    })),
  );
  // every seventh logged in: not in the segment either
  w.services.ingest.ingest(Array.from({ length: 40 }, (_, i) => i).flatMap((i) => (i % 7 === 0 ? [{ type: 'track' as const, userId: `u${i}`, event: 'app_login' }] : [])));
  // every sixth replied T: opted out of SMS
  for (let i = 0; i < 40; i += 6) w.services.ingest.inboundSms(`+86138${String(i).padStart(8, '0')}`, 'T');
  // the partner journey is live; every third contact was rejected an hour ago and got its SMS (a cap) and sits in it (a group)
  const other = await w.publish(partner(), 'Partner offer');
  w.services.ingest.ingest(Array.from({ length: 40 }, (_, i) => i).flatMap((i) => (i % 3 === 0 ? [{ type: 'track' as const, userId: `u${i}`, event: 'credit_rejected' }] : [])));
  await w.caller.dev.advanceClock({ ms: 0 });
  await w.caller.dev.advanceClock({ ms: HOUR });
  return other;
}

/** The same numbers, the long way: every contact loaded and judged by the pure segment evaluator and the pure contact policy. */
function directCounts(otherId: string) {
  const now = w.clock.now();
  const { policy, timezone } = w.services.workspace.settings();
  const rules = RuleSet.parse(JSON.parse(w.sql<{ rules: string }>(`select rules from segments where key = 'registered_never_logged_in'`)[0]?.rules ?? '{}'));
  const rows = w.sql<Row>(`select id, external_id, traits, timezone, opt_outs, registered_at from contacts`);
  const eventsOf = (id: number) =>
    w
      .sql<{ name: string; at: number; properties: string }>(`select name, at, properties from events where contact_id = ?`, id)
      .map((e): ProfileEvent => ({ name: e.name, at: e.at, properties: JSON.parse(e.properties) as Record<string, unknown> }));
  const members = rows.filter((r) =>
    evaluateRuleSet(rules, { traits: JSON.parse(r.traits) as Record<string, unknown>, timezone: r.timezone ?? timezone, registeredAt: r.registered_at, events: eventsOf(r.id) }, now),
  );
  const ledger = (id: number): LedgerEntry[] =>
    w
      .sql<{ channel: Channel; at: number }>(`select m.channel, m.queued_at at from messages m join runs r on r.id = m.run_id where r.contact_id = ? and m.queued_at is not null`, id)
      .map((x) => ({ channel: x.channel, at: x.at }));
  const inRun = (id: number, where: string, arg: string) => w.sql(`select 1 from runs where contact_id = ? and status <> 'exited' and ${where} = ?`, id, arg).length > 0;
  const per = (ch: Channel) => {
    const optedOut = (r: Row) => (JSON.parse(r.opt_outs) as string[]).includes(ch);
    const capped = (r: Row) => policy.caps.some((c) => (c.channel === 'all' || c.channel === ch) && (c.max === 0 || capUntil(c, ch, now, ledger(r.id)) !== null));
    const quiet = (r: Row) => policy.quietHours.some((q) => q.channels.includes(ch) && quietUntil(q, now, r.timezone ?? timezone) !== null);
    const allowed = (r: Row) =>
      decide(policy, { channel: ch, category: 'marketing', now, timezone: r.timezone ?? timezone, optedOut: new Set(JSON.parse(r.opt_outs) as Channel[]), sends: ledger(r.id) }).decision === 'allow';
    return {
      channel: ch,
      optedOut: members.filter(optedOut).length,
      capped: members.filter(capped).length,
      quiet: members.filter(quiet).length,
      reachable: members.filter(allowed).length,
      capsApply: true,
    };
  };
  const excluded = members.filter((r) => inRun(r.id, 'exclusion_group', 'recall')).length;
  return {
    members,
    count: members.length,
    inOther: members.filter((r) => inRun(r.id, 'journey_id', otherId)).length,
    excluded,
    admitted: members.length - excluded,
    reach: [per('sms'), per('voice')],
  };
}

describe('publish forecast: every number equals a direct count from the tables', () => {
  it('segment entry: audience, other journeys, exclusion group, opt-outs, caps, quiet hours, messages, parts, minutes and cost', async () => {
    const otherId = await populate();
    w.services.workspace.setUnitPrices({ sms: 0.05, voice: 0.2 });
    const { id } = await w.caller.journeys.create({ name: 'Recall' });
    await w.caller.journeys.saveDraft({ id, graph: recall() });

    const f = await w.caller.journeys.forecast({ id });
    const d = directCounts(otherId);
    // the world is made so that every kind of count is non-trivial
    expect(d.count).toBeGreaterThan(10);
    expect(d.inOther).toBeGreaterThan(0);
    expect(d.reach[0]?.optedOut).toBeGreaterThan(0);
    expect(d.reach[0]?.capped).toBeGreaterThan(0);
    expect(d.reach[0]?.quiet).toBeGreaterThan(0);

    expect(f.audience).toMatchObject({
      count: d.count,
      exact: true,
      estimate: d.count,
      admitted: d.admitted,
      alreadyEntered: 0,
      inOtherJourneys: d.inOther,
      exclusion: { group: 'recall', skipped: d.excluded },
    });
    expect(f.audience.otherJourneys).toEqual([{ id: otherId, name: 'Partner offer', status: 'live', count: d.inOther, sameGroup: true }]);
    expect(f.reach).toEqual(d.reach);

    // the first entries: the schedule's next 10:00 (tomorrow: it is past noon); also enrolling now moves it to now
    expect(f.entry).toMatchObject({ kind: 'segment', name: 'registered_never_logged_in', firstAt: Date.UTC(2026, 10, 3, 2, 0), nextScheduledAt: Date.UTC(2026, 10, 3, 2, 0) });
    expect((await w.caller.journeys.forecast({ id, enrolNow: true })).entry.firstAt).toBe(w.clock.now());

    // messages: the compile's bound (1 SMS; the call at most 3 times round the limited wait) times who would enter
    const newest = d.members.reduce((a, b) => (b.id > a.id ? b : a));
    const rendered = await w.caller.templates.preview({ key: 'recall_sms', externalId: newest.external_id });
    const parts = Math.max(...rendered.variants.map((v) => smsStats(v.parts.body ?? '').parts));
    expect(f.messages).toMatchObject({
      perContact: { sms: 1, voice: 3, push: 0, email: 0, webhook: 0 },
      perContactTotal: 4,
      total: { sms: d.admitted, voice: 3 * d.admitted },
      smsPartsPerMessage: { recall_sms: parts },
      smsPartsPerContact: parts,
      smsParts: parts * d.admitted,
      callMinutesPerCall: { recall_call: 1 },
      callMinutesPerContact: 3,
      callMinutes: 3 * d.admitted,
      cost: { sms: Math.round(parts * d.admitted * 0.05 * 100) / 100, voice: Math.round(3 * d.admitted * 0.2 * 100) / 100, push: 0 },
      per: 'enrolment',
    });
    expect(f.prices).toMatchObject({ sms: 0.05, voice: 0.2, push: 0 });
  });

  it('without an exclusion group nobody is skipped for the group, and the other journey is not marked as one', async () => {
    const otherId = await populate();
    const { id } = await w.caller.journeys.create({ name: 'Recall' });
    await w.caller.journeys.saveDraft({ id, graph: recall(null) });
    const f = await w.caller.journeys.forecast({ id });
    const d = directCounts(otherId);
    expect(f.audience).toMatchObject({ count: d.count, admitted: d.count, exclusion: null });
    expect(f.audience.otherJourneys[0]).toMatchObject({ count: d.inOther, sameGroup: false });
  });

  it('re-entry: contacts already in the published journey are counted as such, not again as admitted', async () => {
    const otherId = await populate();
    const { id } = await w.caller.journeys.create({ name: 'Recall' });
    await w.caller.journeys.saveDraft({ id, graph: recall(null) });
    await w.caller.journeys.publish({ id, enrolNow: true });
    await w.caller.dev.advanceClock({ ms: 0 });
    await w.caller.journeys.saveDraft({ id, graph: { ...recall(null), settings: { ...recall(null).settings, goals: [{ event: 'app_login', filter: [], windowDays: 7 }] } } });
    const f = await w.caller.journeys.forecast({ id });
    const d = directCounts(otherId);
    const entered = w.sql<{ n: number }>(`select count(distinct contact_id) n from runs where journey_id = ?`, id)[0]?.n;
    expect(entered).toBe(d.count);
    expect(f.audience).toMatchObject({ count: d.count, alreadyEntered: d.count, admitted: 0 });
    expect(f.version).toBe(2);
  });

  it('event entry: entries per day from the last 30 days of that event, its property filter applied', async () => {
    const { id } = await w.caller.journeys.create({ name: 'Dropped at the bank card' });
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_step_completed', filter: [{ property: 'step', op: 'eq', value: 'id_photo' }] })
      .node('push', 'send', { channel: 'push', template: 'idle_push' })
      .node('done', 'exit', {})
      .then('entry', 'push')
      .then('push', 'done')
      .build();
    await w.caller.journeys.saveDraft({ id, graph });
    const at = (daysAgo: number) => new Date(NOON_SH - daysAgo * DAY).toISOString();
    w.services.ingest.ingest([
      ...Array.from({ length: 12 }, (_, i) => ({ type: 'track' as const, userId: `e${i % 5}`, event: 'credit_step_completed', properties: { step: 'id_photo' }, timestamp: at(1 + i * 2) })),
      { type: 'track', userId: 'e9', event: 'credit_step_completed', properties: { step: 'bank_card' }, timestamp: at(2) },
      { type: 'track', userId: 'e8', event: 'credit_step_completed', properties: { step: 'id_photo' }, timestamp: at(40) },
    ]);
    const direct = w.sql<{ events: number; contacts: number }>(
      `select count(*) events, count(distinct contact_id) contacts from events where name = 'credit_step_completed' and properties ->> '$.step' = 'id_photo' and at > ? and at <= ?`,
      NOON_SH - 30 * DAY,
      NOON_SH,
    )[0];
    const f = await w.caller.journeys.forecast({ id });
    expect(f.entry).toMatchObject({ kind: 'event', name: 'credit_step_completed', firstAt: null, eventsInLookback: direct?.events });
    expect(f.audience).toMatchObject({ count: direct?.contacts, admitted: direct?.contacts, exact: true });
    expect(f.messages).toMatchObject({ per: 'day', perContact: { push: 1 }, total: { push: Math.round(((direct?.contacts ?? 0) / 30) * 10) / 10 } });
  });

  it('bounded in time: past the budget the counts are lower bounds over the newest contacts, and say so, with an estimate for all', async () => {
    const otherId = await populate();
    const { id } = await w.caller.journeys.create({ name: 'Recall' });
    await w.caller.journeys.saveDraft({ id, graph: recall() });
    let t = 0;
    const forecast = createForecastService({
      db: w.db,
      clock: w.clock,
      refs: () => ({}),
      settings: w.services.workspace.settings,
      templateStore: createTemplateStore(w.db),
      templates: w.services.templates,
      // each slice "takes" 10 ms of a 15 ms budget; 4 contacts a slice
      bounds: { timer: () => (t += 5), budgetMs: 15, firstSlice: 4, sliceMs: 1000 },
    });
    const f = await forecast.forecast(id);
    const d = directCounts(otherId);
    expect(f.audience.exact).toBe(false);
    expect(f.audience.scanned).toBeLessThan(d.members.length + 100);
    expect(f.audience.scanned).toBeGreaterThan(0);
    expect(f.audience.contacts).toBe(w.sql<{ n: number }>(`select count(*) n from contacts`)[0]?.n);
    // a lower bound: the members among the newest contacts read
    const newestRead = w.sql<{ id: number }>(`select id from contacts order by id desc limit ?`, f.audience.scanned).map((r) => r.id);
    expect(f.audience.count).toBe(d.members.filter((m) => newestRead.includes(m.id)).length);
    expect(f.audience.count).toBeLessThanOrEqual(d.count);
    expect(f.audience.estimate).toBe(Math.round((f.audience.count * f.audience.contacts) / f.audience.scanned));
  });
});
