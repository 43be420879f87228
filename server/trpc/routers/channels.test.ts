import { TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { sendOnEventGraph } from '../../../shared/fixtures/builders';
import { HOUR, MINUTE } from '../../../shared/util/time';
import type { ChannelProvider } from '../../channels/provider';

const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

describe('dead letters: listed by channel and error, re-driven and discarded by an analyst, audited', () => {
  let w: TestWorld;
  let vendorUp: boolean;
  let keys: string[];
  beforeEach(async () => {
    vendorUp = false;
    keys = [];
    // an SMS vendor that is down, then back; failing messages are retried for 30 minutes, then die
    const vendor: ChannelProvider = {
      name: 'vendor',
      retryHorizonMs: 30 * MINUTE,
      async send(msg) {
        keys.push(msg.key);
        return vendorUp ? { status: 'delivered', response: { ok: true } } : { status: 'failed', retry: true, error: 'HTTP 503', response: { status: 503 } };
      },
    };
    // three failing messages are evidence enough here (by default ten answers in five minutes are needed, and how many
    // of the jittered retries fall in one window varies from run to run)
    w = aTestWorld(NOON_SH, { providers: { sms: vendor }, dispatcher: { health: { minAttempts: 3 } } });
    await w.publish(sendOnEventGraph(), 'recall');
    w.services.ingest.ingest(['a', 'b', 'c'].map((userId) => ({ type: 'track', userId, event: 'credit_rejected' })));
    await w.caller.dev.advanceClock({ ms: HOUR });
  });
  afterEach(() => w.close());

  const statusOf = (userId: string) =>
    w.sql<{ status: string; attempts: number; reason: string | null }>(
      `select m.status, m.attempts, m.reason from messages m join contacts c on c.id = m.contact_id where c.external_id = ?`,
      userId,
    )[0];
  const audit = () =>
    w.sql<{ action: string; actor_login: string | null; object_type: string | null; object_id: string | null; diff: string }>(`select * from audit_events where action like 'channels.%' order by id`);

  it('lists them grouped by channel and error, and the newest with their journey and contact', async () => {
    const analyst = w.as(['analyst']).caller;
    const dead = await analyst.channels.deadLetters();
    expect(dead.groups).toEqual([{ channel: 'sms', error: 'HTTP 503', count: 3, oldest: expect.any(Number), newest: expect.any(Number) }]);
    expect(dead.messages.map((m) => [m.externalId, m.channel, m.error, m.journeyName])).toEqual(
      expect.arrayContaining([
        ['a', 'sms', 'HTTP 503', 'recall'],
        ['b', 'sms', 'HTTP 503', 'recall'],
        ['c', 'sms', 'HTTP 503', 'recall'],
      ]),
    );
    expect(dead.messages[0]!.attempts).toBeGreaterThan(2);
    expect((await analyst.channels.deadLetters({ channel: 'push' })).messages).toEqual([]);
    expect((await analyst.channels.deadLetters({ channel: 'sms', error: 'HTTP 503', limit: 2 })).messages).toHaveLength(2);
  });

  it('re-drives one, discards one, re-drives the rest of the group: each audited; the re-driven ones go out under the same key', async () => {
    const analyst = w.as(['analyst'], 'ana').caller;
    const ids = (await analyst.channels.deadLetters()).messages.sort((x, y) => (x.externalId ?? '').localeCompare(y.externalId ?? '')).map((m) => m.id);
    const keyOfA = keys[0];
    vendorUp = true;

    expect(await analyst.channels.redrive({ ids: [ids[0]!] })).toEqual({ redriven: 1 });
    expect(statusOf('a')).toMatchObject({ status: 'queued', attempts: 0 });
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(statusOf('a')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(keys.at(-1)).toBe(keyOfA);

    expect(await analyst.channels.discard({ ids: [ids[1]!] })).toEqual({ discarded: 1 });
    expect(statusOf('b')).toMatchObject({ status: 'failed', reason: 'discarded' });

    expect(await analyst.channels.redrive({ channel: 'sms', error: 'HTTP 503' })).toEqual({ redriven: 1 });
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(statusOf('c')).toMatchObject({ status: 'delivered' });
    expect(statusOf('b')).toMatchObject({ status: 'failed' }); // discarded stays discarded
    expect((await analyst.channels.deadLetters()).groups).toEqual([]);

    expect(audit().map((a) => [a.action, a.actor_login, a.object_type, a.object_id])).toEqual([
      ['channels.redrive', 'ana', 'dead_letters', `ids:${ids[0]!}`],
      ['channels.discard', 'ana', 'dead_letters', `ids:${ids[1]!}`],
      ['channels.redrive', 'ana', 'dead_letters', 'sms:HTTP 503'],
    ]);
    expect(JSON.parse(audit()[2]!.diff)).toMatchObject({ result: { redriven: 1 } });
  });

  it('a viewer may not see or touch them, and is told which role it takes', async () => {
    const viewer = w.as(['viewer']).caller;
    for (const call of [() => viewer.channels.deadLetters(), () => viewer.channels.redrive({ ids: [1] }), () => viewer.channels.discard({ channel: 'sms', error: null })]) {
      const e = await call().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TRPCError);
      expect((e as TRPCError).code).toBe('FORBIDDEN');
    }
    expect(w.sql(`select status from messages`).every((m) => (m as { status: string }).status === 'dead')).toBe(true);
  });

  it('shows a failing channel to everyone signed in', async () => {
    const health = await w.as(['viewer']).caller.channels.health();
    expect(health).toEqual([expect.objectContaining({ channel: 'sms', state: 'failing', lastError: 'HTTP 503', errorRate: 1 })]);
  });
});
