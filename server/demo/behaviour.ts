import type { Channel } from '../../shared/journey/channels';
import type { KeyedRng } from '../../shared/util/hash';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import { callOutcomeEvent, type CallOutcome } from '../../shared/agentTasks/outcomes';

/**
 * How the synthetic population answers messages: by channel, template (which
 * names the lifecycle stage it targets), variant, and how recently the
 * contact registered. Pure: every draw is keyed by the message's idempotency
 * key, so the same message always gets the same answer. The numbers encode
 * what DOMAIN.md says operators find: recall SMS variant B (the offer) beats
 * A (caring) clearly, calls convert about 3× SMS/push, fresh registrations
 * answer more than old ones.
 */

export type Stage = 'never_logged_in' | 'idle' | 'dropped' | 'approved' | 'rejected' | 'repayment' | 'other';

/**
 * What one template does to its audience. `engage` is the chance of the first
 * reaction (a tap on the link; opening a push; pressing 1 on a call) given
 * delivery; `afterEngage` the chance the stage's goal follows it; `direct` the
 * chance of the goal without engaging (the contact comes back on their own
 * later, reminded). Variant multipliers scale `engage` and `direct`.
 */
export interface Play {
  stage: Stage;
  engage: number;
  afterEngage: number;
  direct: number;
  variants?: Record<string, number>;
}

export interface BehaviourModel {
  /** delivered (for voice: answered), per channel */
  delivered: Record<Channel, number>;
  /** transient gateway errors (retried by the dispatcher) */
  failure: number;
  plays: Record<string, Play>;
  fallback: Play;
}

export const defaultModel: BehaviourModel = {
  delivered: { sms: 0.97, push: 0.9, voice: 0.6, email: 0.98, webhook: 0.995, agent_call: 1 },
  failure: 0.003,
  plays: {
    recall_sms: { stage: 'never_logged_in', engage: 0.03, afterEngage: 0.6, direct: 0.01, variants: { a: 1, b: 3.5 } },
    recall_call: { stage: 'never_logged_in', engage: 0.4, afterEngage: 0.55, direct: 0.05 },
    idle_push: { stage: 'idle', engage: 0.08, afterEngage: 0.3, direct: 0.01, variants: { a: 1, b: 1.3 } },
    idle_sms_warm: { stage: 'idle', engage: 0.06, afterEngage: 0.4, direct: 0.02, variants: { a: 1.25, b: 1 } },
    idle_sms_cold: { stage: 'idle', engage: 0.03, afterEngage: 0.3, direct: 0.008, variants: { a: 1, b: 1.15 } },
    dropoff_d1_push: { stage: 'dropped', engage: 0.12, afterEngage: 0.5, direct: 0.04 },
    dropoff_d1_sms: { stage: 'dropped', engage: 0.07, afterEngage: 0.5, direct: 0.03, variants: { a: 1, b: 1.35 } },
    dropoff_d2_push: { stage: 'dropped', engage: 0.1, afterEngage: 0.45, direct: 0.03 },
    dropoff_d2_sms: { stage: 'dropped', engage: 0.06, afterEngage: 0.5, direct: 0.025 },
    dropoff_d3_push: { stage: 'dropped', engage: 0.1, afterEngage: 0.5, direct: 0.03 },
    dropoff_d3_sms: { stage: 'dropped', engage: 0.08, afterEngage: 0.5, direct: 0.03 },
    approved_push: { stage: 'approved', engage: 0.07, afterEngage: 0.3, direct: 0.008, variants: { a: 1, b: 1.2 } },
    approved_sms: { stage: 'approved', engage: 0.05, afterEngage: 0.35, direct: 0.01, variants: { a: 1.2, b: 1 } },
    approved_call: { stage: 'approved', engage: 0.3, afterEngage: 0.35, direct: 0.05 },
    // a person on the phone (seed 004): reached more often than the robot, and about 3× the draws of no call
    approved_agent_call: { stage: 'approved', engage: 0.55, afterEngage: 0.45, direct: 0.03 },
    partner_offer: { stage: 'rejected', engage: 0.1, afterEngage: 1, direct: 0, variants: { a: 1, b: 1.5 } },
    repay_sms_d3: { stage: 'repayment', engage: 0.12, afterEngage: 0.6, direct: 0.1 },
    repay_push_d1: { stage: 'repayment', engage: 0.15, afterEngage: 0.6, direct: 0.12 },
    repay_sms_d1: { stage: 'repayment', engage: 0.15, afterEngage: 0.65, direct: 0.15 },
    repay_email: { stage: 'repayment', engage: 0.08, afterEngage: 0.5, direct: 0.05 },
  },
  fallback: { stage: 'other', engage: 0.03, afterEngage: 0.2, direct: 0.005 },
};

/** The message as the model sees it. */
export interface Prompt {
  key: string;
  channel: Channel;
  template: string;
  variant: string | null;
  hasLink: boolean;
}

/** The contact as the model sees it. */
export interface Respondent {
  externalId: string | null;
  registeredAt: number | null;
  /** UTC offset in hours at the time of sending (for the local hour) */
  utcOffsetHours: number;
  traits: Record<string, unknown>;
}

export interface Reply {
  event: string;
  properties: Record<string, unknown>;
  /** ms after the send */
  delay: number;
}

export interface Answer {
  outcome: 'failed' | 'undelivered' | 'delivered';
  stage: Stage;
  engaged: boolean;
  converted: boolean;
  replies: Reply[];
}

/** Library templates come in a Chinese and an English (`_en`) edition that behave alike. */
const playOf = (m: BehaviourModel, template: string): Play => m.plays[template.replace(/_en$/, '')] ?? m.fallback;

const expDelay = (u: number, mean: number, cap: number): number => Math.min(cap, Math.round(-mean * Math.log(1 - u)));

/** Fresh sign-ups answer more; a year-old registration barely does. Only for recall-type stages. */
function recency(stage: Stage, registeredAt: number | null, now: number): number {
  if (registeredAt === null || !(stage === 'never_logged_in' || stage === 'idle' || stage === 'approved')) return 1;
  const days = (now - registeredAt) / DAY;
  return days < 14 ? 1.5 : days < 45 ? 1.15 : days < 120 ? 0.85 : 0.6;
}

/** People read messages at lunch and in the afternoon, not at night. */
function hourFactor(channel: Channel, now: number, offsetH: number): number {
  if (channel === 'webhook' || channel === 'email') return 1;
  const h = (((now / HOUR + offsetH) % 24) + 24) % 24;
  return h < 8 || h >= 22 ? 0.6 : h >= 12 && h < 18 ? 1.15 : 1;
}

/** The first reaction and its typical delay per channel. */
function engagement(p: Prompt, draw: (k: string) => number): Reply[] {
  if (p.hasLink) {
    const mean = { sms: 25 * MINUTE, push: 8 * MINUTE, voice: 3 * MINUTE, email: 6 * HOUR, webhook: 3 * HOUR, agent_call: 10 * MINUTE }[p.channel];
    return [{ event: 'message_clicked', properties: {}, delay: expDelay(draw('engageT'), mean, DAY) }];
  }
  if (p.channel === 'voice') return [{ event: 'voice_pressed_1', properties: {}, delay: 30_000 + Math.floor(draw('engageT') * 60_000) }];
  if (p.channel === 'push') {
    const d = expDelay(draw('engageT'), 8 * MINUTE, 6 * HOUR);
    return [{ event: 'push_opened', properties: {}, delay: d }];
  }
  return [];
}

/** The stage's goal events, starting at `t` ms after the send. */
function conversion(stage: Stage, p: Prompt, who: Respondent, t: number, draw: (k: string) => number): Reply[] {
  const login = (d: number): Reply => ({ event: 'app_login', properties: { source: 'message' }, delay: d });
  const soon = (k: string, mean: number) => t + expDelay(draw(k), mean, 3 * DAY);
  switch (stage) {
    case 'never_logged_in': {
      const at = soon('loginT', 10 * MINUTE);
      const out = [login(at)];
      if (draw('apply') < 0.3) out.push({ event: 'credit_application_started', properties: {}, delay: at + expDelay(draw('applyT'), HOUR, DAY) });
      return out;
    }
    case 'idle': {
      const at = soon('loginT', 5 * MINUTE);
      return [login(at), { event: 'credit_application_started', properties: {}, delay: at + expDelay(draw('applyT'), 10 * MINUTE, DAY) }];
    }
    case 'dropped': {
      const at = soon('loginT', 20 * MINUTE);
      const step = typeof who.traits.application_step === 'string' ? who.traits.application_step : 'id_photo';
      return [login(at), { event: 'credit_step_completed', properties: { step }, delay: at + expDelay(draw('stepT'), 5 * MINUTE, HOUR) }];
    }
    case 'approved': {
      const at = soon('loginT', 30 * MINUTE);
      const limit = typeof who.traits.limit === 'number' ? who.traits.limit : 5000;
      const amount = Math.max(1000, Math.round((limit * (0.4 + 0.6 * draw('amount'))) / 500) * 500);
      return [
        login(at),
        { event: 'loan_drawn', properties: { amount, term_months: draw('term') < 0.6 ? 3 : 6, loan_id: `${who.externalId ?? 'c'}-${p.key}` }, delay: at + expDelay(draw('drawT'), 15 * MINUTE, DAY) },
      ];
    }
    case 'rejected':
      return [{ event: 'partner_offer_clicked', properties: { offer: p.variant ?? 'a' }, delay: t + 1000 }];
    case 'repayment': {
      const amount = typeof who.traits.amount_due === 'number' ? who.traits.amount_due : null;
      return [{ event: 'loan_repaid', properties: { amount, due_date: who.traits.due_date ?? null, via: 'reminder' }, delay: soon('repayT', 2 * HOUR) }];
    }
    case 'other':
      return [login(soon('loginT', 30 * MINUTE))];
  }
}

/**
 * The demo's call centre: every agent call it is handed ends in an outcome,
 * recorded a few hours later (a queue is worked through the day), so journeys
 * that wait for `call_outcome` branch as they would with real agents. Reached
 * contacts promise to draw when they convert, and then draw; the others are
 * mostly not answering, some refuse, a few numbers are wrong. (The demo
 * answers for the call centre instead of queueing tasks for the Agent page.)
 */
function answerCall(play: Play, p: Prompt, who: Respondent, lift: number, draw: (k: string) => number, none: Answer): Answer {
  const at = expDelay(draw('callT'), 2 * HOUR, DAY);
  const outcome = (o: CallOutcome): Reply => ({ event: callOutcomeEvent, properties: { outcome: o, source: 'demo' }, delay: at });
  if (draw('engage') < Math.min(0.95, play.engage * lift)) {
    const converted = draw('convert') < play.afterEngage;
    return converted
      ? { ...none, engaged: true, converted, replies: [outcome('promised_to_draw'), ...conversion(play.stage, p, who, at, draw)] }
      : { ...none, engaged: true, replies: [outcome(draw('mood') < 0.75 ? 'reached' : 'refused')] };
  }
  return { ...none, replies: [outcome(draw('miss') < 0.9 ? 'no_answer' : 'wrong_number')] };
}

/** Answer one message: delivery, then maybe a reaction, then maybe the stage's goal. Deterministic in `rng` and `p.key`. */
export function answerMessage(m: BehaviourModel, p: Prompt, who: Respondent, now: number, rng: KeyedRng): Answer {
  const draw = (what: string) => rng(`${p.key}:${what}`);
  const play = playOf(m, p.template);
  const none: Answer = { outcome: 'delivered', stage: play.stage, engaged: false, converted: false, replies: [] };
  if (draw('fail') < m.failure) return { ...none, outcome: 'failed' };
  if (draw('deliver') >= m.delivered[p.channel]) return { ...none, outcome: 'undelivered' };
  const lift = (p.variant !== null ? (play.variants?.[p.variant] ?? 1) : 1) * recency(play.stage, who.registeredAt, now) * hourFactor(p.channel, now, who.utcOffsetHours);
  if (p.channel === 'agent_call') return answerCall(play, p, who, lift, draw, none);
  const first = engagement(p, draw);
  const engaged = first.length > 0 && draw('engage') < Math.min(0.95, play.engage * lift);
  if (engaged) {
    const converted = draw('convert') < play.afterEngage;
    const at = first[0]!.delay;
    return { ...none, engaged, converted, replies: [...first, ...(converted ? conversion(play.stage, p, who, at, draw) : [])] };
  }
  if (draw('direct') < Math.min(0.95, play.direct * lift)) {
    // came back on their own, some hours later (mostly inside a 7-day attribution window)
    const at = expDelay(draw('directT'), 10 * HOUR, 6 * DAY);
    return { ...none, converted: true, replies: conversion(play.stage, p, who, at, draw) };
  }
  return none;
}
