import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { MINUTE } from '../../shared/util/time';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
afterEach(() => w.close());

/**
 * The loop: every minute for an hour the contact does `ping`, and
 * each time the journey sends an SMS whose node claims `transactional` (the
 * field send nodes had); a capped message is skipped, so the run exits and
 * the next ping enters again.
 */
async function pingEveryMinuteForAnHour(template: string): Promise<Record<string, number>> {
  w = aTestWorld(NOON_SH, { sandbox: silentSms });
  const graph = aGraph()
    .node('entry', 'trigger.event', { event: 'ping' })
    .node('sms', 'send', { channel: 'sms', template, category: 'transactional', whenCapped: 'skip' })
    .node('done', 'exit', { reason: 'sent' })
    .then('entry', 'sms')
    .then('sms', 'done')
    .settings({ reentry: { policy: 'after_exit' } })
    .build();
  await w.publish(graph, 'Ping');
  w.services.ingest.ingest([{ type: 'identify', userId: 'u1', traits: { phone: '+8613800000001', timezone: 'Asia/Shanghai' } }]);
  for (let i = 0; i <= 60; i++) {
    w.services.ingest.ingest([{ type: 'track', userId: 'u1', event: 'ping' }]);
    await w.caller.dev.advanceClock({ ms: MINUTE });
  }
  return Object.fromEntries(
    w.sql<{ k: string; n: number }>(`select case when status in ('sent', 'delivered') then 'sent' else coalesce(reason, status) end k, count(*) n from messages group by 1`).map((r) => [r.k, r.n]),
  );
}

describe("a message's category is its template's", () => {
  it('a send node claiming transactional with a marketing template is capped like marketing: 1 SMS in the hour, not 61', async () => {
    const outcome = await pingEveryMinuteForAnHour('recall_sms');
    expect(outcome).toEqual({ sent: 1, 'cap:sms:1/24h': 60 });
    expect(w.sql(`select distinct category from messages`)).toEqual([{ category: 'marketing' }]);
  });

  it('a template an admin marked transactional is not held by the caps (the repayment reminders)', async () => {
    const outcome = await pingEveryMinuteForAnHour('repay_sms_d3');
    expect(outcome).toEqual({ sent: 61 });
    expect(w.sql(`select distinct category from messages`)).toEqual([{ category: 'transactional' }]);
  });
});
