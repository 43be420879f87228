import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import { defaultPolicy } from '../../shared/policy/policy';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import { createSleepingPass } from '.';

/** 12:00 in Shanghai, Mon 2 Nov 2026. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
/** every channel delivers and nobody replies: a simulated reply is an event, which would answer (or trigger) for real */
const silent = { sandbox: silentChannels };

/** Sleeping contacts end to end: a real SQLite file, the real engine on a fake clock, the scheduler's hourly pass. */
describe('sleeping contacts', () => {
  let w: TestWorld;
  afterEach(() => w.close());

  const advance = (ms: number) => w.caller.dev.advanceClock({ ms });
  const track = (userId: string, event: string) => w.services.ingest.ingest([{ type: 'track', userId, event, properties: {} }]);
  const identify = (userId: string) => w.services.ingest.ingest([{ type: 'identify', userId, traits: { phone: `+86138${String(Math.abs(hash(userId)) % 1e8).padStart(8, '0')}` } }]);
  const hash = (s: string) => [...s].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 7);
  const sleepingSince = (userId: string): number | null => w.sql<{ s: number | null }>('select sleeping_since s from contacts where external_id = ?', userId)[0]?.s ?? null;
  const messagesIn = (userId: string, journeyId: string) =>
    w.sql<{ id: number; status: string; reason: string | null }>(
      'select m.id, m.status, m.reason from messages m join contacts c on c.id = m.contact_id where c.external_id = ? and m.journey_id = ? order by m.id',
      userId,
      journeyId,
    );
  /** no caps or quiet hours in the way: these tests count reminders, not the policy's other rules */
  const openPolicy = () => w.caller.policy.set({ ...defaultPolicy(), caps: [], quietHours: [] });

  /** on `registered`: `pushes` marketing pushes a day apart, then exit */
  const reminders = (pushes: number): JourneyGraph => {
    const g = aGraph().node('entry', 'trigger.event', { event: 'registered' });
    let prev = 'entry';
    for (let i = 1; i <= pushes; i++) {
      if (i > 1) g.node(`wait${i}`, 'wait.duration', { amount: 1, unit: 'days' }).then(prev, `wait${i}`);
      g.node(`push${i}`, 'send', { channel: 'push', template: 'idle_push' }).then(i > 1 ? `wait${i}` : prev, `push${i}`);
      prev = `push${i}`;
    }
    return g.node('done', 'exit', { reason: 'done' }).then(prev, 'done').build();
  };
  /** on `registered`: wait 6 days, then one push of `template` */
  const later = (template: string, sleeping: 'exclude' | 'include' = 'exclude'): JourneyGraph =>
    aGraph()
      .node('entry', 'trigger.event', { event: 'registered' })
      .node('wait', 'wait.duration', { amount: 6, unit: 'days' })
      .node('push', 'send', { channel: 'push', template })
      .node('done', 'exit', { reason: 'done' })
      .then('entry', 'wait')
      .then('wait', 'push')
      .then('push', 'done')
      .settings({ sleeping })
      .build();

  it('five unanswered reminders mark a contact sleeping on the scheduler’s pass; a contact who answered is not; marketing then skips them unless the journey targets them; any event wakes them', async () => {
    w = aTestWorld(NOON_SH, silent);
    await openPolicy();
    await w.publish(reminders(5), 'reminders');
    const excluding = await w.publish(later('idle_push'), 'recall');
    const winBack = await w.publish(later('idle_push', 'include'), 'win-back');
    const reminder = await w.publish(later('repay_push_d1'), 'repayment');
    for (const u of ['asleep', 'awake']) {
      identify(u);
      track(u, 'registered');
    }
    await advance(0);
    await advance(2 * DAY + MINUTE);
    track('awake', 'app_login'); // after three reminders: the rest go unanswered, fewer than five
    await advance(2 * DAY + HOUR - MINUTE);
    const marked = sleepingSince('asleep');
    expect(marked).not.toBeNull();
    expect(marked as number).toBeGreaterThanOrEqual(NOON_SH + 4 * DAY);
    expect(marked as number).toBeLessThanOrEqual(NOON_SH + 4 * DAY + HOUR);
    expect(sleepingSince('awake')).toBeNull();
    expect((await w.caller.contacts.get({ externalId: 'asleep' })).sleepingSince).toBe(marked);
    expect(await w.caller.sleeping.count()).toEqual({ sleeping: 1 });
    expect((await w.caller.sleeping.list({ limit: 10 })).map((c) => c.externalId)).toEqual(['asleep']);

    // day 6: the recall skips the sleeping contact (in words on the timeline), the win-back and the reminder reach them
    await advance(2 * DAY);
    const [skipped] = messagesIn('asleep', excluding);
    expect(skipped).toMatchObject({ status: 'suppressed', reason: 'sleeping' });
    const tl = await w.caller.contacts.timeline({ externalId: 'asleep' });
    expect(tl.messages.find((m) => m.id === skipped?.id)?.history.map((h) => h.decision)).toEqual([
      'suppressed: a sleeping contact (marketing went unanswered; the journey does not target sleeping contacts)',
    ]);
    expect(messagesIn('asleep', winBack)[0]?.status).toMatch(/^(sent|delivered)$/);
    expect(messagesIn('asleep', reminder)[0]?.status).toMatch(/^(sent|delivered)$/);
    expect(messagesIn('awake', excluding)[0]?.status).toMatch(/^(sent|delivered)$/);

    // any event of theirs wakes them at once, in the same write
    track('asleep', 'app_opened');
    expect(sleepingSince('asleep')).toBeNull();
    expect(await w.caller.sleeping.count()).toEqual({ sleeping: 0 });
  });

  it('three finished journeys with no event since they began mark a contact; the rule’s thresholds and its switch are the admin’s', async () => {
    w = aTestWorld(NOON_SH, silent);
    // the rule off in the workspace, so the scheduler's own pass leaves them alone: this test runs the passes
    const policy = defaultPolicy();
    await w.caller.policy.set({ ...policy, caps: [], quietHours: [], guardrails: { ...policy.guardrails, sleeping: { ...policy.guardrails.sleeping, enabled: false } } });
    const oneShot = aGraph()
      .node('entry', 'trigger.event', { event: 'registered' })
      .node('push', 'send', { channel: 'push', template: 'idle_push' })
      .node('done', 'exit', { reason: 'done' })
      .then('entry', 'push')
      .then('push', 'done')
      .build();
    for (const name of ['a', 'b', 'c']) await w.publish(oneShot, name);
    expect(createSleepingPass(w.db).pass(w.clock.now(), { ...policy.guardrails.sleeping, enabled: true })).toBe(0); // no one yet
    for (const u of ['quiet', 'answered', 'late_word']) {
      identify(u);
      track(u, 'registered');
    }
    await advance(10 * MINUTE);
    track('answered', 'app_login');
    // an event stamped before the journeys began but received now (an SDK's offline queue): the read still
    // counts late_word unanswered, the write sees an event arrived since the pass began and leaves them awake
    w.services.ingest.ingest([{ type: 'track', userId: 'late_word', event: 'app_login', properties: {}, timestamp: new Date(NOON_SH - DAY).toISOString() }]);
    const pass = createSleepingPass(w.db);
    const now = w.clock.now();
    const rule = { ...policy.guardrails.sleeping, enabled: true };
    expect(sleepingSince('quiet')).toBeNull();
    expect(pass.pass(now, { ...rule, enabled: false })).toBe(0);
    expect(pass.pass(now, { ...rule, journeys: 4 })).toBe(0);
    expect(sleepingSince('quiet')).toBeNull();
    expect(pass.pass(now, rule)).toBe(1);
    expect(sleepingSince('quiet')).toBe(now);
    expect(sleepingSince('answered')).toBeNull();
    expect(sleepingSince('late_word')).toBeNull();
    // the next pass: late_word's event is older than the journeys, no answer to them, so now they sleep too;
    // quiet was marked already and keeps the first date
    expect(pass.pass(now + HOUR, rule)).toBe(1);
    expect(sleepingSince('late_word')).toBe(now + HOUR);
    expect(sleepingSince('quiet')).toBe(now);
  });

  it('viewers see the sleeping list with phones masked, analysts in full', async () => {
    w = aTestWorld(NOON_SH, silent);
    identify('zed');
    w.sql(`update contacts set sleeping_since = ? where external_id = 'zed' returning id`, NOON_SH);
    const full = (await w.as(['analyst']).caller.sleeping.list({ limit: 5 }))[0];
    const masked = (await w.as(['viewer']).caller.sleeping.list({ limit: 5 }))[0];
    expect(full?.phone).toMatch(/^\+86138\d{8}$/);
    expect(masked?.phone).toMatch(/\*{4}/);
    expect(masked?.sleepingSince).toBe(NOON_SH);
  });
});
