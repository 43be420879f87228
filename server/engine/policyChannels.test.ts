import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { channels, type Channel } from '../../shared/journey/channels';
import { HOUR } from '../../shared/util/time';

/** 12:00 in Shanghai (the workspace's zone). */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** A shipped template per channel; the email one is transactional (an admin marked it so): caps do not hold it. */
const templateOf: Record<Channel, string> = { sms: 'recall_sms', push: 'idle_push', voice: 'recall_call', email: 'repay_email', webhook: 'partner_offer', agent_call: 'approved_agent_call' };

let w: TestWorld;
afterEach(() => w.close());

const reasonsOf = (userId: string) =>
  w.sql<{ status: string; reason: string | null }>(`select m.status, m.reason from messages m join contacts c on c.id = m.contact_id where c.external_id = ? order by m.id`, userId);

describe('every channel, robo-calls included, is under the contact policy', () => {
  it.each(channels)('%s: opt-outs suppress, quiet hours defer, a cap on the channel defers a marketing message', async (channel) => {
    w = aTestWorld(NOON_SH);
    await w.caller.policy.set({ caps: [{ channel, max: 1, windowHours: 24 }], quietHours: [{ channels: [...channels], from: '21:00', to: '09:00' }] });
    await w.publish(
      aGraph()
        .node('entry', 'trigger.event', { event: 'ping' })
        .node('send', 'send', { channel, template: templateOf[channel] })
        .node('done', 'exit', {})
        .then('entry', 'send')
        .then('send', 'done')
        .settings({ reentry: { policy: 'after_exit' } })
        .build(),
      `Ping by ${channel}`,
    );
    const track = (userId: string, event: string, properties: Record<string, unknown> = {}) => w.services.ingest.ingest([{ type: 'track', userId, event, properties }]);
    w.services.ingest.ingest(
      ['capped', 'opted', 'night'].map((userId, i) => ({ type: 'identify' as const, userId, traits: { phone: `+861380000000${i}`, email: `${userId}@example.com`, timezone: 'Asia/Shanghai' } })),
    );

    // opt-out: suppressed at once
    track('opted', 'unsubscribed', { channel });
    track('opted', 'ping');
    // caps: the first goes, the second within 24 h waits (a transactional template is not held)
    track('capped', 'ping');
    await w.caller.dev.advanceClock({ ms: HOUR });
    track('capped', 'ping');
    await w.caller.dev.advanceClock({ ms: 0 });
    // quiet hours: 22:00 in Shanghai
    await w.caller.dev.advanceClock({ ms: 9 * HOUR });
    track('night', 'ping');
    await w.caller.dev.advanceClock({ ms: 0 });

    expect(reasonsOf('opted')).toEqual([{ status: 'suppressed', reason: `opted_out:${channel}` }]);
    const capped = reasonsOf('capped');
    expect(capped[0]?.status).toMatch(/^(sent|delivered)$/);
    if (channel === 'email') expect(capped[1]?.status).toMatch(/^(sent|delivered)$/);
    else expect(capped[1]).toMatchObject({ status: 'deferred', reason: `cap:${channel}:1/24h` });
    expect(reasonsOf('night')).toEqual([{ status: 'deferred', reason: 'quiet_hours:21:00-09:00' }]);
  });
});
