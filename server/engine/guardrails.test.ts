import { afterEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { Channel } from '../../shared/journey/channels';
import { defaultPolicy, type ContactPolicy } from '../../shared/policy/policy';
import { DAY, HOUR } from '../../shared/util/time';

/** 12:00 in Shanghai (the workspace's zone), Mon 2 Nov 2026. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
/** every channel delivers and nobody replies: a simulated reply is an event, which would answer (or trigger) for real */
const silent = { sandbox: silentChannels };

interface MessageRow {
  id: number;
  journey_id: string;
  channel: string;
  status: string;
  reason: string | null;
  queued_at: number | null;
}

/** The lending guardrails of the contact policy, end to end: a real SQLite file, the real engine, a fake clock. */
describe('lending guardrails in the engine', () => {
  let w: TestWorld;
  afterEach(() => w.close());

  const advance = (ms: number) => w.caller.dev.advanceClock({ ms });
  const track = (userId: string, event: string) => w.services.ingest.ingest([{ type: 'track', userId, event, properties: {} }]);
  const identify = (userId: string, traits: Record<string, unknown>) => w.services.ingest.ingest([{ type: 'identify', userId, traits }]);

  /** trigger.event `event` → send → exit, re-entry after exit. */
  const sendOn = (event: string, template: string, channel: Channel = 'sms', whenCapped: 'wait' | 'skip' = 'wait'): JourneyGraph =>
    aGraph()
      .node('entry', 'trigger.event', { event })
      .node('send', 'send', { channel, template, whenCapped })
      .node('done', 'exit', { reason: 'sent' })
      .then('entry', 'send')
      .then('send', 'done')
      .settings({ reentry: { policy: 'after_exit' } })
      .build();

  const messagesOf = (userId: string, journeyId: string): MessageRow[] =>
    w.sql<MessageRow>(
      `select m.id, m.journey_id, m.channel, m.status, m.reason, m.queued_at from messages m join contacts c on c.id = m.contact_id where c.external_id = ? and m.journey_id = ? order by m.id`,
      userId,
      journeyId,
    );
  const wordsOf = async (userId: string, messageId: number): Promise<(string | null)[] | undefined> =>
    (await w.caller.contacts.timeline({ externalId: userId })).messages.find((m) => m.id === messageId)?.history.map((h) => h.decision);
  const went = /^(sent|delivered)$/;

  describe('cooldown after a credit rejection', () => {
    it('suppresses marketing for 30 days after credit_rejected, with its reason in words; the partner offer (entered by the rejection) and transactional still go', async () => {
      w = aTestWorld(NOON_SH, silent);
      const recall = await w.publish(sendOn('app_login', 'recall_sms'), 'recall');
      const partner = await w.publish(sendOn('credit_rejected', 'partner_offer', 'webhook'), 'partner offer');
      const reminder = await w.publish(sendOn('repayment_due', 'repay_sms_d1'), 'reminder');
      identify('u1', { phone: '+8613800000001' });
      identify('fresh', { phone: '+8613800000002' });

      track('u1', 'credit_rejected');
      await advance(0);
      expect(messagesOf('u1', partner)).toEqual([expect.objectContaining({ status: expect.stringMatching(went) as unknown })]);

      await advance(HOUR);
      track('u1', 'app_login');
      track('fresh', 'app_login');
      track('u1', 'repayment_due');
      await advance(0);
      const [held] = messagesOf('u1', recall);
      expect(held).toMatchObject({ status: 'suppressed', reason: 'rejection_cooldown:30d', queued_at: null });
      expect(await wordsOf('u1', (held as MessageRow).id)).toEqual(['suppressed: cooldown after a credit rejection (30 days)']);
      // a contact never rejected gets the same message
      expect(messagesOf('fresh', recall)[0]?.status).toMatch(went);
      // a reminder is transactional: no cooldown
      expect(messagesOf('u1', reminder)[0]?.status).toMatch(went);

      // 30 days after the rejection the cooldown is over (the recall journey's run exited; re-entry after exit)
      await advance(30 * DAY - HOUR);
      track('u1', 'app_login');
      await advance(0);
      const after = messagesOf('u1', recall);
      expect(after).toHaveLength(2);
      expect(after[1]?.status).toMatch(went);
    });

    it('follows the admin’s days and event, and stops when switched off', async () => {
      w = aTestWorld(NOON_SH, silent);
      const policy = defaultPolicy();
      await w.caller.policy.set({ ...policy, guardrails: { ...policy.guardrails, rejectionCooldown: { enabled: true, event: 'lender_declined', days: 2 } } });
      const recall = await w.publish(sendOn('app_login', 'recall_sms', 'sms', 'skip'), 'recall');
      identify('u1', { phone: '+8613800000001' });
      track('u1', 'credit_rejected'); // not the configured event any more
      track('u1', 'lender_declined');
      track('u1', 'app_login');
      await advance(0);
      expect(messagesOf('u1', recall)[0]).toMatchObject({ status: 'suppressed', reason: 'rejection_cooldown:2d' });

      await advance(2 * DAY);
      track('u1', 'app_login');
      await advance(0);
      expect(messagesOf('u1', recall)[1]?.status).toMatch(went);

      await w.caller.policy.set({ ...policy, guardrails: { ...policy.guardrails, rejectionCooldown: { enabled: false, event: 'lender_declined', days: 2 } } });
      track('u1', 'lender_declined');
      await advance(DAY); // past the SMS cap of the message before
      track('u1', 'app_login');
      await advance(0);
      expect(messagesOf('u1', recall)[2]?.status).toMatch(went);
    });
  });

  describe('suppression while a repayment is overdue', () => {
    it('no marketing on any channel while loan_status is "overdue"; the repayment reminder still goes; marketing resumes once repaid', async () => {
      w = aTestWorld(NOON_SH, silent);
      const sms = await w.publish(sendOn('app_login', 'recall_sms', 'sms', 'skip'), 'recall sms');
      const push = await w.publish(sendOn('app_login', 'idle_push', 'push', 'skip'), 'recall push');
      const reminder = await w.publish(sendOn('repayment_due', 'repay_sms_d1'), 'reminder');
      identify('late', { phone: '+8613800000001', loan_status: 'overdue' });
      identify('on_time', { phone: '+8613800000002', loan_status: 'active' });

      for (const u of ['late', 'on_time']) {
        track(u, 'app_login');
        track(u, 'repayment_due');
      }
      await advance(0);
      for (const j of [sms, push]) expect(messagesOf('late', j)[0]).toMatchObject({ status: 'suppressed', reason: 'repayment_overdue' });
      expect(messagesOf('on_time', sms)[0]?.status).toMatch(went);
      expect(messagesOf('late', reminder)[0]?.status).toMatch(went);
      expect(await wordsOf('late', (messagesOf('late', sms)[0] as MessageRow).id)).toEqual(['suppressed: a repayment is overdue (no marketing until it is repaid)']);

      identify('late', { loan_status: 'repaid' });
      await advance(DAY);
      track('late', 'app_login');
      await advance(0);
      expect(messagesOf('late', sms)[1]?.status).toMatch(went);
    });
  });

  describe('robo-calls: a weekly cap and calling hours, stricter than SMS', () => {
    it('a third marketing call within 7 days waits until the first is a week old (cap:voice:2/168h)', async () => {
      w = aTestWorld(NOON_SH, silent);
      const calls = await w.publish(sendOn('app_login', 'recall_call', 'voice'), 'calls');
      identify('u1', { phone: '+8613800000001' });
      for (let day = 0; day < 3; day++) {
        track('u1', 'app_login');
        await advance(DAY);
      }
      const rows = messagesOf('u1', calls);
      expect(rows.map((m) => m.queued_at)).toEqual([NOON_SH, NOON_SH + DAY, null]);
      const third = rows[2] as MessageRow;
      expect(third).toMatchObject({ status: 'deferred', reason: 'cap:voice:2/168h' });
      expect(await wordsOf('u1', third.id)).toEqual(['deferred by Robo-call cap 2/week until 12:00 Asia/Shanghai']);
      await advance(5 * DAY);
      expect(messagesOf('u1', calls)[2]?.queued_at).toBe(NOON_SH + 7 * DAY);
    });

    it('no call at 20:30 (an SMS then still goes) nor on Sunday: deferred to the next calling day at 09:00 in the contact’s zone', async () => {
      const EVENING_SH = Date.UTC(2026, 10, 7, 12, 30); // Sat 7 Nov 20:30 Shanghai
      w = aTestWorld(EVENING_SH, silent);
      const calls = await w.publish(sendOn('app_login', 'recall_call', 'voice'), 'calls');
      const sms = await w.publish(sendOn('app_login', 'recall_sms'), 'sms');
      identify('sh', { phone: '+8613800000001', timezone: 'Asia/Shanghai' });
      identify('ny', { phone: '+12125550100', timezone: 'America/New_York' }); // 07:30 Saturday there
      track('sh', 'app_login');
      track('ny', 'app_login');
      await advance(0);
      expect(messagesOf('sh', sms)[0]?.status).toMatch(went);
      const call = messagesOf('sh', calls)[0] as MessageRow;
      expect(call).toMatchObject({ status: 'deferred', reason: 'calling_hours:mon,tue,wed,thu,fri,sat:0900-2000' });
      // Sunday is no calling day: Monday 09:00 Shanghai
      const MONDAY_9_SH = Date.UTC(2026, 10, 9, 1, 0);
      expect(await wordsOf('sh', call.id)).toEqual(['deferred by outside calling hours (Mon–Sat 09:00–20:00) until 09:00 Asia/Shanghai']);
      const nyCall = messagesOf('ny', calls)[0] as MessageRow;
      // 07:30 there: quiet hours and calling hours both end at 09:00 (the first rule named keeps the reason)
      expect(nyCall).toMatchObject({ status: 'deferred', reason: 'quiet_hours:21:00-09:00' });

      await advance(MONDAY_9_SH - EVENING_SH - HOUR);
      expect(messagesOf('sh', calls)[0]?.queued_at).toBeNull();
      await advance(HOUR);
      expect(messagesOf('sh', calls)[0]?.queued_at).toBe(MONDAY_9_SH);
      // New York's Saturday 09:00 came first (14:00Z, 1.5 hours after)
      expect(messagesOf('ny', calls)[0]?.queued_at).toBe(Date.UTC(2026, 10, 7, 14, 0));
    });
  });

  describe('policy.set validates the guardrails', () => {
    it('refuses bad settings with BAD_REQUEST naming the field and the problem, and keeps the policy it had', async () => {
      w = aTestWorld(NOON_SH, silent);
      const before = await w.caller.policy.get();
      const refusal = async (guardrails: unknown): Promise<string[]> => {
        try {
          await w.caller.policy.set({ ...before, guardrails } as ContactPolicy);
        } catch (e) {
          expect(e).toBeInstanceOf(TRPCError);
          expect((e as TRPCError).code).toBe('BAD_REQUEST');
          return ((e as TRPCError).cause as ZodError).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
        }
        throw new Error('policy.set accepted bad guardrails');
      };
      const g = before.guardrails;
      expect(await refusal({ ...g, rejectionCooldown: { ...g.rejectionCooldown, days: 0 } })).toEqual(['guardrails.rejectionCooldown.days: days must be at least 1']);
      expect(await refusal({ ...g, rejectionCooldown: { ...g.rejectionCooldown, event: '' } })).toEqual(['guardrails.rejectionCooldown.event: the rejection event must not be empty']);
      expect(await refusal({ ...g, robocalls: { ...g.robocalls, from: '20:00', to: '09:00' } })).toEqual(['guardrails.robocalls.to: calling hours must end after they start (no calls past midnight)']);
      expect(await refusal({ ...g, robocalls: { ...g.robocalls, days: [] } })).toEqual(['guardrails.robocalls.days: pick at least one calling day']);
      expect(await refusal({ ...g, robocalls: { ...g.robocalls, maxPerWeek: -1 } })).toEqual(['guardrails.robocalls.maxPerWeek: the weekly call cap must be 0 or more']);
      expect(await w.caller.policy.get()).toEqual(before);
    });

    it('a policy stored before the guardrails reads back with the defaults', async () => {
      w = aTestWorld(NOON_SH, silent);
      w.sql(`update workspace set policy = json_remove(policy, '$.guardrails') returning id`);
      w.services.workspace.reload();
      expect((await w.caller.policy.get()).guardrails).toEqual(defaultPolicy().guardrails);
    });
  });
});
