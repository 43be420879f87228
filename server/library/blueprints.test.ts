import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/journey/compile';
import type { CompiledJourney } from '../../shared/journey/machine';
import { allowAll, newRun, type Run, type StepInput } from '../../shared/journey/run';
import { step } from '../../shared/journey/step';
import type { Profile, ProfileEvent } from '../../shared/segments/evaluate';
import { DAY, HOUR, localTime } from '../../shared/util/time';
import { libraryRefs, loadBlueprints } from './loadLibrary';
import { trackedSteps } from '../../shared/analytics/funnel';
import { JourneySettings } from '../../shared/journey/settings';

/**
 * The blueprints played through the pure `step` with a fake clock: they must
 * not only compile but do what their descriptions promise.
 */

const refs = libraryRefs();
const machines = new Map(
  loadBlueprints().map((b) => {
    const r = compile(b.graph, refs);
    if (!r.ok) throw new Error(`${b.key} does not compile: ${r.errors.map((e) => e.message).join('; ')}`);
    return [b.key, r.value] as const;
  }),
);
const machine = (key: string): CompiledJourney => machines.get(key) as CompiledJourney;

const tz = 'Asia/Shanghai';
/** Monday 2 March 2026, 09:00 in Shanghai. */
const monday9 = Date.UTC(2026, 2, 2, 1, 0);

interface Scenario {
  start?: number;
  /** traits, or traits as a function of time since enrolment (e.g. a countdown the loan system refreshes) */
  traits?: Record<string, unknown> | ((elapsed: number) => Record<string, unknown>);
  /** events the contact does, `after` ms since enrolment */
  events?: { after: number; name: string; properties?: Record<string, unknown> }[];
  /** the split's draw: 0.5 lands in the first arm, 0.99 in a 5% holdout */
  draw?: number;
}

interface Played {
  sends: { node: string; template: string; at: number }[];
  traitsSet: Record<string, unknown>;
  exit: string | null;
  endedAfter: number;
}

function play(key: string, s: Scenario = {}): Played {
  const m = machine(key);
  const t0 = s.start ?? monday9;
  const pending = [...(s.events ?? [])].sort((a, b) => a.after - b.after);
  const seen: ProfileEvent[] = [];
  const set: Record<string, unknown> = {};
  const out: Played = { sends: [], traitsSet: set, exit: null, endedAfter: 0 };
  const traitsAt = (now: number) => ({ ...(typeof s.traits === 'function' ? s.traits(now - t0) : (s.traits ?? {})), ...set });

  let run: Run = newRun(m, 'run_1', 'contact_1', t0);
  let now = t0;
  let input: StepInput = { type: 'start' };
  for (let i = 0; i < 100; i++) {
    const profile: Profile = { traits: traitsAt(now), timezone: tz, registeredAt: t0 - 10 * DAY, events: [...seen] };
    const r = step(run, input, { machine: m, now, rng: () => s.draw ?? 0.5, profile, policy: allowAll });
    run = r.run;
    for (const e of r.effects) {
      if (e.type === 'send') out.sends.push({ node: e.nodeId, template: e.template, at: now });
      if (e.type === 'setTrait') set[e.trait] = e.value;
    }
    if (run.status === 'exited') {
      out.exit = run.exitReason;
      out.endedAfter = now - t0;
      return out;
    }
    const next = pending[0];
    if (next && t0 + next.after <= (run.wakeAt ?? Number.POSITIVE_INFINITY)) {
      pending.shift();
      now = t0 + next.after;
      const ev: ProfileEvent = { name: next.name, at: now, properties: next.properties ?? {} };
      seen.push(ev);
      input = { type: 'event', event: ev };
    } else if (run.wakeAt !== null) {
      now = run.wakeAt;
      input = { type: 'timer' };
    } else throw new Error(`${key}: run stuck at ${run.nodeId}`);
  }
  throw new Error(`${key}: did not finish in 100 steps`);
}

const nodes = (p: Played) => p.sends.map((x) => x.node);
const localHour = (at: number) => localTime(at, tz).minutes / 60;

describe('registered_never_logged_in', () => {
  it('SMS, then a robo-call three days later for a contact who never logs in', () => {
    const p = play('registered_never_logged_in');
    expect(nodes(p)).toEqual(['sms_1', 'call_1']);
    expect((p.sends[1] as { at: number }).at - monday9).toBe(3 * DAY);
    expect(p.exit).toBe('completed');
  });

  it('no call once the contact logs in: recalled', () => {
    const p = play('registered_never_logged_in', { events: [{ after: DAY, name: 'app_login' }] });
    expect(nodes(p)).toEqual(['sms_1']);
    expect(p.exit).toBe('recalled');
  });

  it('the holdout gets nothing', () => {
    const p = play('registered_never_logged_in', { draw: 0.99 });
    expect(p.sends).toEqual([]);
    expect(p.exit).toBe('holdout');
  });
});

describe('logged_in_idle', () => {
  it('pushes in the weekday lunch hour, then picks the SMS by intent', () => {
    const cold = play('logged_in_idle');
    expect(nodes(cold)).toEqual(['push_1', 'sms_cold']);
    expect(localHour((cold.sends[0] as { at: number }).at)).toBe(12);

    const warm = play('logged_in_idle', { traits: { application_progress: 40 } });
    expect(nodes(warm)).toEqual(['push_1', 'sms_warm']);
    const clicked = play('logged_in_idle', { events: [{ after: HOUR, name: 'borrow_clicked' }] });
    expect(nodes(clicked)).toEqual(['push_1', 'sms_warm']);
  });

  it('waits over the weekend for the Monday lunch hour', () => {
    const saturday = Date.UTC(2026, 2, 7, 2, 0);
    const p = play('logged_in_idle', { start: saturday });
    const push = p.sends[0] as { at: number };
    expect([localTime(push.at, tz).weekday, localHour(push.at)]).toEqual([0, 12]);
  });

  it('starting an application ends it', () => {
    const p = play('logged_in_idle', { events: [{ after: 5 * HOUR, name: 'credit_application_started' }] });
    expect(nodes(p)).toEqual(['push_1']);
    expect(p.exit).toBe('exit_criteria:credit_application_started');
  });
});

describe('application_dropped', () => {
  it('push then SMS on days 1, 2 and 3 while the step stays open', () => {
    const p = play('application_dropped');
    expect(p.sends.map((x) => x.template)).toEqual(['dropoff_d1_push', 'dropoff_d1_sms', 'dropoff_d2_push', 'dropoff_d2_sms', 'dropoff_d3_push', 'dropoff_d3_sms']);
    expect(p.sends.map((x) => (x.at - monday9) / HOUR)).toEqual([0, 4, 24, 28, 48, 52]);
    expect(p.exit).toBe('not_completed');
  });

  it('completing the step stops the touches, through the wait\'s own "completed" port so the canvas counts it', () => {
    const p = play('application_dropped', { events: [{ after: 5 * HOUR, name: 'credit_step_completed', properties: { step: 'id_photo' } }] });
    expect(nodes(p)).toEqual(['push_d1', 'sms_d1']);
    expect(p.exit).toBe('completed');
  });
});

describe('rejected_partner_offer', () => {
  it('posts the partner offer and marks it sent', () => {
    const p = play('rejected_partner_offer');
    expect(p.sends.map((x) => x.template)).toEqual(['partner_offer']);
    expect(p.traitsSet).toEqual({ partner_offer_status: 'sent' });
    expect(p.exit).toBe('offered');
  });
});

describe('approved_never_drew', () => {
  it('push, SMS, robo-call in calling hours, then an agent call on the real channel; no word from the agent in 2 days ends it', () => {
    const p = play('approved_never_drew');
    expect(nodes(p)).toEqual(['push_1', 'sms_1', 'call_1', 'agent_call']);
    const call = localHour((p.sends[2] as { at: number }).at);
    expect((call >= 10 && call < 12) || (call >= 14 && call < 18)).toBe(true);
    expect(p.sends[3]).toMatchObject({ template: 'approved_agent_call', at: (p.sends[2] as { at: number }).at + 3 * DAY });
    expect(p.traitsSet).toEqual({});
    expect(p.exit).toBe('call_outcome_timeout');
  });

  it('branches on the call outcome: a promise to draw, or any other outcome', () => {
    // the agent call goes out 3 days after the robo-call; the outcome comes an hour later
    const agentCallAt = play('approved_never_drew').sends[3] as { at: number };
    const after = agentCallAt.at - monday9 + HOUR;
    const promised = play('approved_never_drew', { events: [{ after, name: 'call_outcome', properties: { outcome: 'promised_to_draw' } }] });
    expect(promised.exit).toBe('promised_to_draw');
    const noAnswer = play('approved_never_drew', { events: [{ after, name: 'call_outcome', properties: { outcome: 'no_answer' } }] });
    expect(noAnswer.exit).toBe('called');
  });

  it('follows the call in its funnel: called, then drawn', () => {
    const { graph } = loadBlueprints().find((b) => b.key === 'approved_never_drew') ?? { graph: null };
    expect(graph && trackedSteps(JourneySettings.parse(graph.settings))).toEqual(['call_outcome', 'loan_drawn']);
  });

  it('drawing the loan ends it anywhere', () => {
    const p = play('approved_never_drew', { events: [{ after: 36 * HOUR, name: 'loan_drawn' }] });
    expect(nodes(p)).toEqual(['push_1', 'sms_1']);
    expect(p.exit).toBe('exit_criteria:loan_drawn');
  });
});

describe('repayment_due', () => {
  const countdown = (elapsed: number) => ({ days_to_due: 3 - Math.floor(elapsed / DAY), amount_due: 500 });

  it('reminds 3 days and 1 day before the due date', () => {
    const p = play('repayment_due', { traits: countdown });
    expect(p.sends.map((x) => [x.template, (x.at - monday9) / HOUR])).toEqual([
      ['repay_sms_d3', 0],
      ['repay_push_d1', 48],
      ['repay_sms_d1', 54],
    ]);
    expect(p.exit).toBe('reminded');
  });

  it('stops when repaid, or when the due date moved', () => {
    expect(nodes(play('repayment_due', { traits: countdown, events: [{ after: DAY, name: 'loan_repaid' }] }))).toEqual(['sms_d3']);
    const extended = play('repayment_due', { traits: { days_to_due: 30, amount_due: 500 } });
    expect(nodes(extended)).toEqual(['sms_d3']);
    expect(extended.exit).toBe('not_due');
  });
});
