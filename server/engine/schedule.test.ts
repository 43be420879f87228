import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';
import { aGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import { isDue, nextScheduledAt } from './segmentEntry';

/** 09:00 in Shanghai (the workspace's zone), an hour before the segment's 10:00. */
const NINE_SH = Date.UTC(2026, 10, 2, 1, 0);
const TEN_SH = NINE_SH + HOUR;
const TZ = 'Asia/Shanghai';

/** Registered, never logged in → SMS → exit, on the given schedule. */
const recall = (schedule: { every: 'once' | 'hour' | 'day' | 'week'; at: string } = { every: 'day', at: '10:00' }): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in', schedule })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('done', 'exit', {})
    .then('entry', 'sms')
    .then('sms', 'done')
    .build();

let w: TestWorld;
afterEach(() => w.close());

function world(approvals = false): TestWorld {
  w = aTestWorld(NINE_SH, { approvals });
  register(['a', 'b', 'c']);
  return w;
}
const register = (ids: string[]) =>
  w.services.ingest.ingest(
    ids.map((userId) => ({ type: 'identify' as const, userId, traits: { phone: `+86138000000${userId.charCodeAt(0)}`, registered_at: new Date(NINE_SH - DAY).toISOString() } })),
  );
const runs = () => w.sql<{ n: number }>(`select count(*) n from runs`)[0]?.n;
const messages = () => w.sql<{ n: number }>(`select count(*) n from messages`)[0]?.n;

async function draft(graph: JourneyGraph): Promise<string> {
  const { id } = await w.caller.journeys.create({ name: 'Recall' });
  await w.caller.journeys.saveDraft({ id, graph });
  return id;
}

describe('segment schedule: publishing enrols at the next scheduled time', () => {
  it('nothing enrols or sends before 10:00; at 10:00 the segment enrols and the SMS goes', async () => {
    world();
    const id = await draft(recall());
    await w.caller.journeys.publish({ id });
    expect(w.sql(`select enrol_from from journey_versions`)).toEqual([{ enrol_from: TEN_SH }]);
    await w.caller.dev.advanceClock({ ms: HOUR - MINUTE });
    expect([runs(), messages()]).toEqual([0, 0]);
    await w.caller.dev.advanceClock({ ms: MINUTE });
    expect(runs()).toBe(3);
    expect(w.sql(`select status, queued_at from messages`)).toHaveLength(3);
    expect(w.sql<{ at: number }>(`select min(queued_at) at from messages`)[0]?.at).toBe(TEN_SH);
  });

  it('"also enrol now" enrols the segment at once, and the schedule still takes newcomers at 10:00', async () => {
    world();
    const id = await draft(recall());
    await w.caller.journeys.publish({ id, enrolNow: true });
    await w.caller.dev.advanceClock({ ms: 0 });
    expect([runs(), messages()]).toEqual([3, 3]);
    register(['d']);
    await w.caller.dev.advanceClock({ ms: HOUR });
    // d joins at 10:00; a, b and c are not enrolled twice (re-entry: never)
    expect([runs(), messages()]).toEqual([4, 4]);
  });

  it('a "once" schedule enrols once, at its time, and never again', async () => {
    world();
    const id = await draft(recall({ every: 'once', at: '10:00' }));
    await w.caller.journeys.publish({ id });
    await w.caller.dev.advanceClock({ ms: 30 * MINUTE });
    expect(runs()).toBe(0);
    await w.caller.dev.advanceClock({ ms: 30 * MINUTE });
    expect(runs()).toBe(3);
    register(['d']);
    await w.caller.dev.advanceClock({ ms: 2 * DAY });
    expect(runs()).toBe(3);
  });

  it('with approvals on, the choice travels with the request: approved without it, nothing enrols before 10:00', async () => {
    world(true);
    const { caller: olga } = w.as(['operator'], 'olga');
    const { caller: anna } = w.as(['approver'], 'anna');
    const id = await draft(recall());
    const asked = await olga.journeys.publish({ id });
    if (!('request' in asked)) throw new Error('expected a request');
    expect(await anna.approvals.get({ id: asked.request.id })).toMatchObject({ enrolNow: false });
    await anna.approvals.approve({ id: asked.request.id });
    await w.caller.dev.advanceClock({ ms: 30 * MINUTE });
    expect(runs()).toBe(0);
  });

  it('with approvals on, a request to also enrol now enrols when approved', async () => {
    world(true);
    const { caller: olga } = w.as(['operator'], 'olga');
    const { caller: anna } = w.as(['approver'], 'anna');
    const id = await draft(recall());
    const asked = await olga.journeys.publish({ id, enrolNow: true });
    if (!('request' in asked)) throw new Error('expected a request');
    const request = await anna.approvals.get({ id: asked.request.id });
    expect(request).toMatchObject({ enrolNow: true, summary: 'first version; also enrols now' });
    await anna.approvals.approve({ id: asked.request.id });
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(runs()).toBe(3);
  });

  it('an unchanged draft is refused, with approvals on or off: "no changes since v1"', async () => {
    world(true);
    const { caller: olga } = w.as(['operator'], 'olga');
    const { caller: anna } = w.as(['approver'], 'anna');
    const id = await draft(recall());
    const asked = await olga.journeys.publish({ id });
    if (!('request' in asked)) throw new Error('expected a request');
    await anna.approvals.approve({ id: asked.request.id });
    expect(await rejection(olga.journeys.publish({ id }))).toMatchObject({ code: 'CONFLICT', message: 'no changes since v1: the draft does what v1 does' });
    await w.caller.workspace.setApprovals({ on: false });
    expect(await rejection(w.caller.journeys.publish({ id, enrolNow: true }))).toMatchObject({ code: 'CONFLICT' });
    expect(w.sql(`select version from journey_versions`)).toEqual([{ version: 1 }]);
  });
});

describe('schedule arithmetic', () => {
  it('the next scheduled time: today at `at` if still ahead, else tomorrow; hourly on the hour', () => {
    const day = { every: 'day', at: '10:00' } as const;
    expect(nextScheduledAt(day, NINE_SH, TZ)).toBe(TEN_SH);
    expect(nextScheduledAt(day, TEN_SH, TZ)).toBe(TEN_SH);
    expect(nextScheduledAt(day, TEN_SH + 1, TZ)).toBe(TEN_SH + DAY);
    expect(nextScheduledAt({ every: 'hour', at: '10:00' }, NINE_SH + 20 * MINUTE, TZ)).toBe(TEN_SH);
  });

  it('before its first run a schedule waits for enrolFrom; versions without one enrolled at once', () => {
    const day = { every: 'day', at: '10:00' } as const;
    expect(isDue(day, null, NINE_SH, TZ, TEN_SH)).toBe(false);
    expect(isDue(day, null, TEN_SH, TZ, TEN_SH)).toBe(true);
    expect(isDue(day, null, NINE_SH, TZ, null)).toBe(true);
    expect(isDue({ every: 'once', at: '10:00' }, TEN_SH, TEN_SH + DAY, TZ, TEN_SH)).toBe(false);
  });
});
