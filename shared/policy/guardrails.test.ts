import { describe, expect, it } from 'vitest';
import type { Channel } from '../journey/channels';
import { DAY } from '../util/time';
import { decide, type PolicySubject } from './decide';
import { describeReason } from './describe';
import { callingHoursUntil, defaultGuardrails, RobocallRules, type GuardrailFacts } from './guardrails';
import { ContactPolicy, defaultPolicy } from './policy';

const at = (y: number, mo: number, d: number, h: number, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);
/** Mon 2 Nov 2026, 12:00 in Shanghai */
const NOON_SH = at(2026, 11, 2, 4);
const facts = (f: Partial<GuardrailFacts> = {}): GuardrailFacts => ({ rejectedAt: null, overdue: false, respondsToRejection: false, ...f });
const subject = (p: Partial<PolicySubject> = {}): PolicySubject => ({
  channel: 'sms',
  category: 'marketing',
  now: NOON_SH,
  timezone: 'Asia/Shanghai',
  optedOut: new Set<Channel>(),
  sends: [],
  facts: facts(),
  ...p,
});

describe('the lending guardrails in decide', () => {
  const policy = defaultPolicy();

  it('a repayment overdue suppresses marketing on every channel, never a transactional message; an opt-out is named first', () => {
    for (const channel of ['sms', 'push', 'voice', 'email', 'webhook'] as const)
      expect(decide(policy, subject({ channel, facts: facts({ overdue: true }) }))).toEqual({ decision: 'suppress', reason: 'repayment_overdue' });
    expect(decide(policy, subject({ category: 'transactional', facts: facts({ overdue: true }) }))).toEqual({ decision: 'allow' });
    expect(decide(policy, subject({ optedOut: new Set<Channel>(['sms']), facts: facts({ overdue: true }) }))).toEqual({ decision: 'suppress', reason: 'opted_out:sms' });
  });

  it('the rejection cooldown holds for 30 days to the millisecond, not for the journey that answers the rejection, not for transactional', () => {
    const rejectedAt = NOON_SH - 10 * DAY;
    expect(decide(policy, subject({ facts: facts({ rejectedAt }) }))).toEqual({ decision: 'suppress', reason: 'rejection_cooldown:30d' });
    expect(decide(policy, subject({ now: rejectedAt + 30 * DAY - 1, facts: facts({ rejectedAt }) }))).toMatchObject({ decision: 'suppress' });
    expect(decide(policy, subject({ now: rejectedAt + 30 * DAY, facts: facts({ rejectedAt }) }))).toEqual({ decision: 'allow' });
    expect(decide(policy, subject({ facts: facts({ rejectedAt, respondsToRejection: true }) }))).toEqual({ decision: 'allow' });
    expect(decide(policy, subject({ category: 'transactional', facts: facts({ rejectedAt }) }))).toEqual({ decision: 'allow' });
    const off = ContactPolicy.parse({ guardrails: { rejectionCooldown: { enabled: false } } });
    expect(decide(off, subject({ facts: facts({ rejectedAt }) }))).toEqual({ decision: 'allow' });
  });

  it('calling hours hold every call, reminders too; an SMS at the same moment goes', () => {
    const evening = at(2026, 11, 2, 12, 30); // Mon 20:30 Shanghai
    const tuesday9 = at(2026, 11, 3, 1);
    const reason = 'calling_hours:mon,tue,wed,thu,fri,sat:0900-2000';
    expect(decide(policy, subject({ channel: 'voice', now: evening }))).toEqual({ decision: 'defer', until: tuesday9, reason });
    expect(decide(policy, subject({ channel: 'voice', category: 'transactional', now: evening }))).toEqual({ decision: 'defer', until: tuesday9, reason });
    expect(decide(policy, subject({ now: evening }))).toEqual({ decision: 'allow' });
  });

  it("an agent's call keeps calling hours too, but not the weekly robo-call cap", () => {
    const evening = at(2026, 11, 2, 12, 30); // Mon 20:30 Shanghai
    const reason = 'calling_hours:mon,tue,wed,thu,fri,sat:0900-2000';
    expect(decide(policy, subject({ channel: 'agent_call', now: evening }))).toEqual({ decision: 'defer', until: at(2026, 11, 3, 1), reason });
    const robocalls = [
      { channel: 'voice' as const, at: NOON_SH - 6 * DAY },
      { channel: 'voice' as const, at: NOON_SH - 2 * DAY },
    ];
    expect(decide(policy, subject({ channel: 'agent_call', sends: robocalls }))).toEqual({ decision: 'allow' });
  });

  it('the weekly robo-call cap counts marketing calls only against calls; 0 suppresses', () => {
    const sends = [
      { channel: 'voice' as const, at: NOON_SH - 6 * DAY },
      { channel: 'voice' as const, at: NOON_SH - 2 * DAY },
    ];
    expect(decide(policy, subject({ channel: 'voice', sends }))).toEqual({ decision: 'defer', until: NOON_SH + DAY, reason: 'cap:voice:2/168h' });
    expect(decide(policy, subject({ channel: 'voice', category: 'transactional', sends }))).toEqual({ decision: 'allow' });
    expect(decide(policy, subject({ channel: 'push', sends }))).toEqual({ decision: 'allow' });
    const none = ContactPolicy.parse({ guardrails: { robocalls: { maxPerWeek: 0 } } });
    expect(decide(none, subject({ channel: 'voice' }))).toEqual({ decision: 'suppress', reason: 'cap:voice:0/168h' });
  });

  it('a policy without guardrails (a what-if) applies none', () => {
    expect(decide({ caps: [], quietHours: [] }, subject({ channel: 'voice', now: at(2026, 11, 1, 4), facts: facts({ overdue: true, rejectedAt: NOON_SH }) }))).toEqual({ decision: 'allow' });
  });
});

describe('callingHoursUntil', () => {
  const rules = defaultGuardrails().robocalls;

  it('is null inside the window and names the next opening outside it: later today, tomorrow, or past Sunday', () => {
    expect(callingHoursUntil(rules, NOON_SH, 'Asia/Shanghai')).toBeNull();
    expect(callingHoursUntil(rules, at(2026, 11, 2, 0), 'Asia/Shanghai')).toBe(at(2026, 11, 2, 1)); // Mon 08:00 → 09:00
    expect(callingHoursUntil(rules, at(2026, 11, 2, 12), 'Asia/Shanghai')).toBe(at(2026, 11, 3, 1)); // Mon 20:00 sharp → Tue 09:00
    expect(callingHoursUntil(rules, at(2026, 11, 7, 13), 'Asia/Shanghai')).toBe(at(2026, 11, 9, 1)); // Sat 21:00 → Mon 09:00
    expect(callingHoursUntil(rules, at(2026, 11, 8, 4), 'Asia/Shanghai')).toBe(at(2026, 11, 9, 1)); // Sun noon → Mon 09:00
  });

  it('in the contact’s zone, across a DST change (New York, 1 Nov 2026: Sunday, clocks back)', () => {
    // Sat 31 Oct 21:00 EDT → Mon 2 Nov 09:00 EST
    expect(callingHoursUntil(rules, at(2026, 11, 1, 1), 'America/New_York')).toBe(at(2026, 11, 2, 14));
  });

  it('one calling day a week waits up to seven days', () => {
    const mondays = RobocallRules.parse({ days: ['mon'] });
    expect(callingHoursUntil(mondays, at(2026, 11, 2, 13), 'Asia/Shanghai')).toBe(at(2026, 11, 9, 1));
  });
});

describe('the guardrail reasons in words', () => {
  it.each([
    ['repayment_overdue', 'a repayment is overdue (no marketing until it is repaid)'],
    ['rejection_cooldown:30d', 'cooldown after a credit rejection (30 days)'],
    ['calling_hours:mon,tue,wed,thu,fri,sat:0900-2000', 'outside calling hours (Mon–Sat 09:00–20:00)'],
    ['calling_hours:mon,wed,thu:1000-1800', 'outside calling hours (Mon, Wed, Thu 10:00–18:00)'],
    ['cap:voice:2/168h', 'Robo-call cap 2/week'],
  ])('%s → %s', (reason, words) => {
    expect(describeReason(reason)).toBe(words);
  });

  it('sane windows only', () => {
    expect(RobocallRules.safeParse({ from: '09:00', to: '09:00' }).success).toBe(false);
    expect(RobocallRules.safeParse({ days: ['mon', 'mon'] }).error?.issues.map((i) => i.message)).toEqual(['a calling day is listed twice']);
  });
});
