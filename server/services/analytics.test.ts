import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { DAY } from '../../shared/util/time';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** credit_rejected → SMS → two days → SMS again → exit; app_login is the goal. */
const twoReminders = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('sms_1', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('wait', 'wait.duration', { amount: 2, unit: 'days' })
    .node('sms_2', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('done', 'exit', { reason: 'reminded' })
    .then('entry', 'sms_1')
    .then('sms_1', 'wait')
    .then('wait', 'sms_2')
    .then('sms_2', 'done')
    .settings({ goals: [{ event: 'app_login', filter: [], windowDays: 7 }] })
    .build();

describe('journey summary by channel', () => {
  let w: TestWorld;
  beforeEach(() => {
    w = aTestWorld(NOON_SH, { sandbox: silentSms });
  });
  afterEach(() => w.close());

  it('counts a contact who converted after two SMS of one journey as one SMS conversion, while each node credits it once', async () => {
    const id = await w.publish(twoReminders(), 'Two reminders');
    w.services.ingest.ingest([
      { type: 'track', userId: 'a', event: 'credit_rejected' },
      { type: 'track', userId: 'b', event: 'credit_rejected' },
    ]);
    await w.caller.dev.advanceClock({ ms: 2 * DAY + 1000 });
    w.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'app_login' }]);

    const s = await w.caller.analytics.journeySummary({ journeyId: id });
    const sms = s.byChannel.find((c) => c.channel === 'sms');
    expect(sms).toMatchObject({ sent: 4, converted: 1 });
    const o = await w.caller.analytics.journeyOverlay({ journeyId: id });
    expect([o.nodes.sms_1?.converted, o.nodes.sms_2?.converted]).toEqual([1, 1]);
    // a range of days without the login has no conversions
    const before = new Date(NOON_SH).toISOString().slice(0, 10);
    expect((await w.caller.analytics.journeySummary({ journeyId: id, from: before, to: before })).byChannel.find((c) => c.channel === 'sms')?.converted).toBe(0);
  });
});
