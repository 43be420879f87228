import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { DAY, HOUR } from '../../shared/util/time';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** credit_rejected → SMS → wait 1 day → robo-call → exit. */
const smsThenCall = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
    .node('call', 'send', { channel: 'voice', template: 'recall_call' })
    .node('done', 'exit', { reason: 'called' })
    .then('entry', 'sms')
    .then('sms', 'wait')
    .then('wait', 'call')
    .then('call', 'done')
    .build();

let w: TestWorld;
let id: string;
beforeEach(async () => {
  w = aTestWorld(NOON_SH);
  id = await w.publish(smsThenCall(), 'Recall');
  // a enters at 12:00 (its call is due at 12:00 the next day), b at 18:00 (its call at 18:00 the next day)
  w.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'credit_rejected' }]);
  await w.caller.dev.advanceClock({ ms: 0 });
  await w.caller.dev.advanceClock({ ms: 6 * HOUR });
  w.services.ingest.ingest([{ type: 'track', userId: 'b', event: 'credit_rejected' }]);
  await w.caller.dev.advanceClock({ ms: 0 });
  // paused at 19:00 on day 1
  await w.caller.dev.advanceClock({ ms: HOUR });
  await w.caller.journeys.pause({ id });
});
afterEach(() => w.close());

const calls = () => w.sql<{ who: string; queued_at: number }>(`select c.external_id who, m.queued_at from messages m join contacts c on c.id = m.contact_id where m.channel = 'voice' order by m.id`);
const wakeOf = (who: string) => w.sql<{ wake_at: number | null }>(`select r.wake_at from runs r join contacts c on c.id = r.contact_id where c.external_id = ?`, who)[0]?.wake_at;
/** ms from now to `hours` after 12:00 on day 1 */
const until = (hours: number) => NOON_SH + hours * HOUR - w.clock.now();

describe('resume after a pause: what fell due meanwhile', () => {
  it('warns how many timers fell due during the pause', async () => {
    expect(await w.caller.journeys.dueOnResume({ id })).toEqual({ status: 'paused', timers: 2, due: 0 });
    await w.caller.dev.advanceClock({ ms: until(25) }); // 13:00 on day 2: a's call fell due
    expect(await w.caller.journeys.dueOnResume({ id })).toEqual({ status: 'paused', timers: 2, due: 1 });
    await w.caller.dev.advanceClock({ ms: until(31) }); // 19:00 on day 2: both
    expect(await w.caller.journeys.dueOnResume({ id })).toEqual({ status: 'paused', timers: 2, due: 2 });
    await w.caller.journeys.resume({ id });
    expect(await w.caller.journeys.dueOnResume({ id })).toEqual({ status: 'live', timers: 0, due: 0 });
  });

  it('"continue": every call that fell due goes at once on resume', async () => {
    await w.caller.dev.advanceClock({ ms: until(48) }); // 12:00 on day 3
    const resumedAt = w.clock.now();
    expect(await w.caller.journeys.resume({ id, dueTimers: 'continue' })).toMatchObject({ status: 'live', dueTimers: 'continue' });
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(calls()).toEqual([
      { who: 'a', queued_at: resumedAt },
      { who: 'b', queued_at: resumedAt },
    ]);
  });

  it('"skip what fell due": those waits start again from the resume, so nothing goes late in a burst; a timer still ahead keeps its time', async () => {
    await w.caller.dev.advanceClock({ ms: until(28) }); // 16:00 on day 2: a's call (12:00) fell due, b's (18:00) is ahead
    const resumedAt = w.clock.now();
    const bWake = NOON_SH + 30 * HOUR;
    await w.caller.journeys.resume({ id, dueTimers: 'skip' });
    // a waits its day again, from the resume; b keeps its time
    expect(wakeOf('a')).toBe(resumedAt + DAY);
    expect(wakeOf('b')).toBe(bWake);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(calls()).toEqual([]);
    await w.caller.dev.advanceClock({ ms: DAY });
    expect(calls()).toEqual([
      { who: 'b', queued_at: bWake },
      { who: 'a', queued_at: resumedAt + DAY },
    ]);
  });
});
