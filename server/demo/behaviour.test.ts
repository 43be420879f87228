import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/journey/channels';
import { seededRng } from '../../shared/util/hash';
import { DAY } from '../../shared/util/time';
import { openDatabase } from '../db/client';
import type { OutboundMessage } from '../channels/provider';
import { answerMessage, defaultModel, type Prompt, type Respondent } from './behaviour';
import { createBehaviourProviders } from './provider';

// a Monday, 14:00 in Beijing: nobody's quiet hours, the afternoon lift
const now = Date.UTC(2026, 10, 2, 6, 0);
const who = (over: Partial<Respondent> = {}): Respondent => ({
  externalId: 'u000001',
  registeredAt: now - 20 * DAY,
  utcOffsetHours: 8,
  traits: { limit: 8000, application_step: 'bank_card', amount_due: 1234.5 },
  ...over,
});
const prompt = (template: string, channel: Channel, variant: string | null, i: number, hasLink = channel === 'sms'): Prompt => ({ key: `${i}:node:1`, channel, template, variant, hasLink });

/** The share of `n` messages whose answer carries the stage's goal. */
function conversionRate(template: string, channel: Channel, variant: string | null, n = 6000, goal = 'app_login'): number {
  const rng = seededRng(11);
  let hits = 0;
  for (let i = 0; i < n; i++) if (answerMessage(defaultModel, prompt(template, channel, variant, i), who(), now, rng).replies.some((r) => r.event === goal)) hits++;
  return hits / n;
}

describe('the behaviour model', () => {
  it('answers the same message the same way, and another message differently', () => {
    const a = answerMessage(defaultModel, prompt('recall_sms', 'sms', 'b', 1), who(), now, seededRng(3));
    const again = answerMessage(defaultModel, prompt('recall_sms', 'sms', 'b', 1), who(), now, seededRng(3));
    expect(again).toEqual(a);
    const answers = Array.from({ length: 400 }, (_, i) => answerMessage(defaultModel, prompt('recall_sms', 'sms', 'b', i), who(), now, seededRng(3)));
    expect(new Set(answers.map((x) => JSON.stringify(x))).size).toBeGreaterThan(10);
  });

  it('makes recall SMS variant B (the offer) win clearly over A', () => {
    const a = conversionRate('recall_sms', 'sms', 'a');
    const b = conversionRate('recall_sms', 'sms', 'b');
    expect(a).toBeGreaterThan(0.01);
    expect(b).toBeGreaterThan(2.5 * a);
  });

  it('makes calls convert better than SMS, and the approved call about 3× push or SMS', () => {
    const sms = (conversionRate('recall_sms', 'sms', 'a') + conversionRate('recall_sms', 'sms', 'b')) / 2;
    expect(conversionRate('recall_call', 'voice', 'a')).toBeGreaterThan(1.5 * sms);
    expect(conversionRate('recall_call', 'voice', 'a')).toBeGreaterThan(conversionRate('recall_sms', 'sms', 'b'));
    const call = conversionRate('approved_call', 'voice', 'a', 6000, 'loan_drawn');
    const push = conversionRate('approved_push', 'push', 'a', 6000, 'loan_drawn');
    const text = conversionRate('approved_sms', 'sms', 'a', 6000, 'loan_drawn');
    expect(call / Math.max(push, text)).toBeGreaterThan(2);
    expect(call / Math.min(push, text)).toBeLessThan(5);
  });

  it('answers every agent call with an outcome hours later; the promised draw, and about 3× the draws of no call', () => {
    const rng = seededRng(13);
    const answers = Array.from({ length: 4000 }, (_, i) => answerMessage(defaultModel, prompt('approved_agent_call', 'agent_call', null, i, false), who(), now, rng));
    // a transient gateway error (retried by the dispatcher) is the one answer without an outcome
    const outcomes = answers.filter((a) => a.outcome === 'delivered').map((a) => a.replies.filter((r) => r.event === 'call_outcome'));
    expect(outcomes.length).toBeGreaterThan(3900);
    expect(outcomes.every((o) => o.length === 1 && (o[0]?.delay ?? 0) > 0)).toBe(true);
    const counts: Record<string, number> = {};
    for (const [o] of outcomes) counts[String(o?.properties.outcome)] = (counts[String(o?.properties.outcome)] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['no_answer', 'promised_to_draw', 'reached', 'refused', 'wrong_number']);
    // a promise comes with the draw, after the call
    for (const a of answers.filter((x) => x.replies[0]?.properties.outcome === 'promised_to_draw'))
      expect(a.replies.find((r) => r.event === 'loan_drawn')?.delay).toBeGreaterThan(a.replies[0]?.delay ?? 0);
    const call = conversionRate('approved_agent_call', 'agent_call', null, 6000, 'loan_drawn');
    const text = conversionRate('approved_sms', 'sms', 'a', 6000, 'loan_drawn');
    expect(call / text).toBeGreaterThan(2.5);
  });

  it('answers fresh sign-ups more than year-old ones', () => {
    const rate = (registeredAt: number) => {
      const rng = seededRng(5);
      let n = 0;
      for (let i = 0; i < 6000; i++) if (answerMessage(defaultModel, prompt('recall_sms', 'sms', 'a', i), who({ registeredAt }), now, rng).converted) n++;
      return n;
    };
    expect(rate(now - 3 * DAY)).toBeGreaterThan(1.8 * rate(now - 300 * DAY));
  });

  it('clicks only a message with a link, and says what the stage does next', () => {
    const rng = seededRng(1);
    const clicks = (hasLink: boolean) =>
      Array.from({ length: 3000 }, (_, i) => answerMessage(defaultModel, prompt('dropoff_d1_sms', 'sms', 'a', i, hasLink), who(), now, rng)).filter((x) =>
        x.replies.some((r) => r.event === 'message_clicked'),
      ).length;
    expect(clicks(true)).toBeGreaterThan(50);
    expect(clicks(false)).toBe(0);
    const step = Array.from({ length: 3000 }, (_, i) => answerMessage(defaultModel, prompt('dropoff_d1_sms', 'sms', 'a', i), who(), now, rng))
      .flatMap((x) => x.replies)
      .find((r) => r.event === 'credit_step_completed');
    expect(step?.properties).toEqual({ step: 'bank_card' });
    // replies come after the send, and a goal after the click it follows
    for (let i = 0; i < 2000; i++) {
      const x = answerMessage(defaultModel, prompt('approved_sms', 'sms', 'a', i), who(), now, rng);
      const delays = x.replies.map((r) => r.delay);
      expect(delays.every((d) => d >= 0 && d <= 7 * DAY)).toBe(true);
      expect(delays).toEqual([...delays].sort((p, q) => p - q));
    }
  });
});

describe('the behaviour provider', () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-provider-'));
  const db = openDatabase(join(dir, 'p.db'));
  afterAll(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const contactId = Number(
    db.$client
      .prepare(`insert into contacts (external_id, traits, timezone, opt_outs, registered_at, created_at, updated_at) values ('u000001', '{"limit":8000}', 'Asia/Shanghai', '[]', ?, ?, ?)`)
      .run(now - 2 * DAY, now, now).lastInsertRowid,
  );
  const message = (id: number): OutboundMessage => ({
    id,
    key: `${id}:sms_1:1`,
    channel: 'sms',
    to: { contactId, externalId: 'u000001', phone: '+8613800000000', email: null },
    template: 'recall_sms',
    variant: 'b',
    parts: { body: '【橙子信用】首笔5000元30天免息 https://go.example/l/abc 回T退订' },
    links: [{ code: `code${id}`, url: `https://go.example/l/code${id}` }],
    journeyId: 'j',
    nodeId: 'sms_1',
  });

  it('taps the first tracked link of the message, logs the delivery once, and answers a resend with nothing', async () => {
    const sms = createBehaviourProviders({ seed: 2, db: () => db }).sms!;
    let clicked: { id: number; code: unknown } | null = null;
    for (let id = 1; id <= 400 && !clicked; id++) {
      const r = await sms.send(message(id), now);
      const click = r.responses?.find((x) => x.event === 'message_clicked');
      if (click) clicked = { id, code: click.properties.link_code };
    }
    expect(clicked).not.toBeNull();
    expect(clicked!.code).toBe(`code${clicked!.id}`);
    const again = await sms.send(message(clicked!.id), now + 1000);
    expect(again.responses).toEqual([]);
    const logged = db.$client.prepare<[number], { n: number }>(`select count(*) n from sandbox_deliveries where message_id = ? and outcome != 'failed'`).get(clicked!.id);
    expect(logged?.n).toBe(1);
  });

  it('asks for a retry until the server has opened its database', async () => {
    const sms = createBehaviourProviders({ seed: 2, db: () => null }).sms!;
    expect(await sms.send(message(999), now)).toMatchObject({ status: 'failed', retry: true });
  });
});
