import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { channels, type Channel, type MessageCategory } from '../journey/channels';
import type { PolicyVerdict } from '../journey/run';
import { DAY, HOUR, MINUTE } from '../util/time';
import { capReason, capUntil, decide, quietUntil, type LedgerEntry, type PolicyRules, type PolicySubject } from './decide';
import { describeDecision, describeReason } from './describe';
import { ContactPolicy, defaultPolicy, type Cap, type QuietHours } from './policy';

const NIGHT: QuietHours = { channels: ['sms', 'voice'], from: '21:00', to: '09:00' };
const smsDaily: Cap = { channel: 'sms', max: 1, windowHours: 24 };
const smsWeekly: Cap = { channel: 'sms', max: 3, windowHours: 168 };
const allDaily: Cap = { channel: 'all', max: 2, windowHours: 24 };

/** An instant given as UTC wall time; `at(2026, 11, 2, 14)` = 2026-11-02T14:00Z (month 1-based). */
const at = (y: number, mo: number, d: number, h: number, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);

/** Noon in Shanghai (04:00Z): outside every quiet window of the default policy there. */
const NOON_SH = at(2026, 11, 2, 4);

const subject = (p: Partial<PolicySubject> = {}): PolicySubject => ({
  channel: 'sms',
  category: 'marketing',
  now: NOON_SH,
  timezone: 'Asia/Shanghai',
  optedOut: new Set<Channel>(),
  sends: [],
  ...p,
});
const sent = (channel: Channel, ago: number, now = NOON_SH): LedgerEntry => ({ channel, at: now - ago });

describe('the policy schema', () => {
  it('defaults to SMS ≤1/24h and ≤3/week, ≤2 messages/24h in total, no SMS or calls 21:00–09:00, and the lending guardrails on', () => {
    expect(defaultPolicy()).toEqual({
      caps: [smsDaily, smsWeekly, allDaily],
      quietHours: [NIGHT],
      guardrails: {
        rejectionCooldown: { enabled: true, event: 'credit_rejected', days: 30 },
        overdue: { enabled: true, trait: 'loan_status', value: 'overdue' },
        robocalls: { maxPerWeek: 2, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '09:00', to: '20:00' },
        sleeping: { enabled: true, journeys: 3, reminders: 5, days: 30 },
      },
    });
  });

  it('refuses a negative max and a quiet window that starts where it ends, naming the field', () => {
    const neg = ContactPolicy.safeParse({ caps: [{ channel: 'sms', max: -1, windowHours: 24 }] });
    expect(neg.success).toBe(false);
    expect(neg.error?.issues.map((i) => i.path.join('.'))).toEqual(['caps.0.max']);
    const same = ContactPolicy.safeParse({ quietHours: [{ channels: ['sms'], from: '09:00', to: '09:00' }] });
    expect(same.success).toBe(false);
    expect(same.error?.issues.map((i) => i.path.join('.'))).toEqual(['quietHours.0.to']);
  });
});

describe('quietUntil: the quiet window in the contact’s own zone', () => {
  it('wraps midnight: late evening ends at 09:00 the next local day, small hours at 09:00 the same local day (Shanghai, UTC+8)', () => {
    const tz = 'Asia/Shanghai';
    // 22:00 on Nov 2 in Shanghai → 09:00 Nov 3 Shanghai = 01:00Z Nov 3
    expect(quietUntil(NIGHT, at(2026, 11, 2, 14), tz)).toBe(at(2026, 11, 3, 1));
    // 02:00 on Nov 3 in Shanghai → 09:00 the same day
    expect(quietUntil(NIGHT, at(2026, 11, 2, 18), tz)).toBe(at(2026, 11, 3, 1));
  });

  it('is half-open: quiet from 21:00 sharp, free again at 09:00 sharp', () => {
    const tz = 'Asia/Shanghai';
    expect(quietUntil(NIGHT, at(2026, 11, 2, 13), tz)).toBe(at(2026, 11, 3, 1)); // 21:00
    expect(quietUntil(NIGHT, at(2026, 11, 2, 13) - 1, tz)).toBeNull(); // 20:59:59.999
    expect(quietUntil(NIGHT, at(2026, 11, 3, 1) - MINUTE, tz)).toBe(at(2026, 11, 3, 1)); // 08:59
    expect(quietUntil(NIGHT, at(2026, 11, 3, 1), tz)).toBeNull(); // 09:00
  });

  it('follows the contact’s zone, not the server’s: the same instant is quiet in São Paulo and daytime in Shanghai', () => {
    // 02:00Z = 23:00 in São Paulo (UTC-3, no DST) = 10:00 in Shanghai
    const t = at(2026, 11, 3, 2);
    expect(quietUntil(NIGHT, t, 'America/Sao_Paulo')).toBe(at(2026, 11, 3, 12)); // 09:00 São Paulo
    expect(quietUntil(NIGHT, t, 'Asia/Shanghai')).toBeNull();
    // and 14:00Z = 22:00 Shanghai = 11:00 São Paulo
    expect(quietUntil(NIGHT, at(2026, 11, 2, 14), 'America/Sao_Paulo')).toBeNull();
  });

  it('ends at 09:00 local wall time across DST changes (Europe/London)', () => {
    // spring forward on Sun 29 Mar 2026: 22:00 GMT Saturday → 09:00 BST Sunday = 08:00Z
    expect(quietUntil(NIGHT, at(2026, 3, 28, 22), 'Europe/London')).toBe(at(2026, 3, 29, 8));
    // fall back on Sun 25 Oct 2026: 22:00 BST Saturday (21:00Z) → 09:00 GMT Sunday = 09:00Z
    expect(quietUntil(NIGHT, at(2026, 10, 24, 21), 'Europe/London')).toBe(at(2026, 10, 25, 9));
    // New York, fall back on Sun 1 Nov 2026: 23:00 EDT Saturday (03:00Z) → 09:00 EST Sunday = 14:00Z
    expect(quietUntil(NIGHT, at(2026, 11, 1, 3), 'America/New_York')).toBe(at(2026, 11, 1, 14));
  });

  it('a window whose end falls in a spring-forward gap ends when the clocks jump, not a gap-length later', () => {
    // New York, Sun 8 Mar 2026: 02:00 EST (07:00Z) jumps to 03:00 EDT; 02:30 does not exist that night
    const toHalfPastTwo: QuietHours = { channels: ['sms'], from: '22:00', to: '02:30' };
    const jump = at(2026, 3, 8, 7);
    expect(quietUntil(toHalfPastTwo, at(2026, 3, 8, 6), 'America/New_York')).toBe(jump); // asked at 01:00 EST
    expect(quietUntil(toHalfPastTwo, at(2026, 3, 8, 4), 'America/New_York')).toBe(jump); // asked at 23:00 EST the evening before
    expect(quietUntil(toHalfPastTwo, jump, 'America/New_York')).toBeNull(); // 03:00 EDT is past 02:30
    // Lord Howe moves 30 minutes: 02:00 (+10:30) → 02:30 (+11) on Sun 4 Oct 2026, at 15:30Z
    const toQuarterPastTwo: QuietHours = { channels: ['sms'], from: '22:00', to: '02:15' };
    expect(quietUntil(toQuarterPastTwo, at(2026, 10, 3, 14), 'Australia/Lord_Howe')).toBe(at(2026, 10, 3, 15, 30));
  });

  it('when clocks go back, a window ending in the repeated hour ends at the next 01:30 to come, never one already past', () => {
    // New York, Sun 1 Nov 2026: 02:00 EDT (06:00Z) goes back to 01:00 EST; 01:00–02:00 happens twice
    const toHalfPastOne: QuietHours = { channels: ['sms'], from: '22:00', to: '01:30' };
    expect(quietUntil(toHalfPastOne, at(2026, 11, 1, 4), 'America/New_York')).toBe(at(2026, 11, 1, 5, 30)); // from 00:00 EDT: 01:30 EDT
    // from 01:00 EST (the second pass), 01:30 EDT is half an hour ago: the window ends at 01:30 EST
    expect(quietUntil(toHalfPastOne, at(2026, 11, 1, 6), 'America/New_York')).toBe(at(2026, 11, 1, 6, 30));
    // a window ending after the repeated hour lasts an hour longer that night: 23:00 EDT → 03:00 EST = 08:00Z
    const toThree: QuietHours = { channels: ['sms'], from: '22:00', to: '03:00' };
    expect(quietUntil(toThree, at(2026, 11, 1, 3), 'America/New_York')).toBe(at(2026, 11, 1, 8));
  });

  it('when the whole free stretch falls in a spring-forward gap, the window runs on to the next night’s opening', () => {
    // free only 01:00–01:15 London time; on 29 Mar 2026 the clocks jump from 01:00 GMT straight to 02:00 BST
    const q: QuietHours = { channels: ['email'], from: '01:15', to: '01:00' };
    const justBeforeJump = Date.UTC(2026, 2, 29, 0, 59, 59, 999);
    expect(quietUntil(q, justBeforeJump, 'Europe/London')).toBe(Date.UTC(2026, 2, 30, 0, 0)); // 01:00 BST next day
  });

  it('a window that does not wrap ends the same day', () => {
    const lunch: QuietHours = { channels: ['voice'], from: '12:00', to: '14:00' };
    expect(quietUntil(lunch, NOON_SH + 30 * MINUTE, 'Asia/Shanghai')).toBe(NOON_SH + 2 * HOUR);
    expect(quietUntil(lunch, NOON_SH + 2 * HOUR, 'Asia/Shanghai')).toBeNull();
    expect(quietUntil(lunch, NOON_SH - MINUTE, 'Asia/Shanghai')).toBeNull();
  });

  it('refuses an unknown time zone loudly instead of returning NaN', () => {
    expect(() => quietUntil(NIGHT, NOON_SH, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('capUntil: rolling windows, the moment a slot frees', () => {
  it('is null below the cap and the oldest send + window once it is reached', () => {
    expect(capUntil(smsDaily, 'sms', NOON_SH, [])).toBeNull();
    expect(capUntil(smsDaily, 'sms', NOON_SH, [sent('sms', 3 * HOUR)])).toBe(NOON_SH + 21 * HOUR);
  });

  it('counts only its own channel; an "all" cap counts every channel', () => {
    const ledger = [sent('push', HOUR), sent('email', 2 * HOUR)];
    expect(capUntil(smsDaily, 'sms', NOON_SH, ledger)).toBeNull();
    expect(capUntil(allDaily, 'sms', NOON_SH, ledger)).toBe(NOON_SH + 22 * HOUR);
    // a cap on another channel never holds this one back, however full
    expect(capUntil(smsDaily, 'push', NOON_SH, [sent('sms', HOUR)])).toBeNull();
  });

  it('the window is rolling and half-open: a send exactly one window ago no longer counts', () => {
    expect(capUntil(smsDaily, 'sms', NOON_SH, [sent('sms', 24 * HOUR)])).toBeNull();
    expect(capUntil(smsDaily, 'sms', NOON_SH, [sent('sms', 24 * HOUR - 1)])).toBe(NOON_SH + 1);
    // not a calendar day: a send at 23:59 yesterday still blocks after midnight
    expect(capUntil(smsDaily, 'sms', NOON_SH, [sent('sms', 12 * HOUR + MINUTE)])).toBe(NOON_SH + 12 * HOUR - MINUTE);
  });

  it('over the cap (e.g. transactional sends), waits until enough sends leave: the max-th newest + window', () => {
    const ledger = [sent('sms', 6 * DAY), sent('sms', 4 * DAY), sent('sms', 2 * DAY), sent('sms', 30 * HOUR)];
    // four in the week, max three: the two oldest must leave, so the second oldest decides
    expect(capUntil(smsWeekly, 'sms', NOON_SH, ledger)).toBe(NOON_SH - 4 * DAY + 7 * DAY);
    // three in the week: the oldest leaving frees a slot
    expect(capUntil(smsWeekly, 'sms', NOON_SH, ledger.slice(1))).toBe(NOON_SH - 4 * DAY + 7 * DAY);
    expect(capUntil(smsWeekly, 'sms', NOON_SH, ledger.slice(0, 3))).toBe(NOON_SH - 6 * DAY + 7 * DAY);
  });

  it('ignores the ledger order', () => {
    const ledger = [sent('sms', 2 * DAY), sent('sms', 6 * DAY), sent('sms', 4 * DAY)];
    expect(capUntil(smsWeekly, 'sms', NOON_SH, ledger)).toBe(NOON_SH + DAY);
  });
});

describe('decide', () => {
  const policy = defaultPolicy();

  it('allows a first SMS at noon', () => {
    expect(decide(policy, subject())).toEqual({ decision: 'allow' });
  });

  it('an opt-out suppresses on that channel only, whatever the category, before any other rule', () => {
    const optedOut = new Set<Channel>(['sms']);
    expect(decide(policy, subject({ optedOut }))).toEqual({ decision: 'suppress', reason: 'opted_out:sms' });
    expect(decide(policy, subject({ optedOut, category: 'transactional' }))).toEqual({ decision: 'suppress', reason: 'opted_out:sms' });
    // at night with a full cap it is still a suppression, not a deferral
    expect(decide(policy, subject({ optedOut, now: at(2026, 11, 2, 15), sends: [sent('sms', HOUR, at(2026, 11, 2, 15))] }))).toEqual({
      decision: 'suppress',
      reason: 'opted_out:sms',
    });
    expect(decide(policy, subject({ optedOut, channel: 'voice' }))).toEqual({ decision: 'allow' });
  });

  it('defers an SMS in quiet hours to 09:00 in the contact’s zone, and lets push through (not a quiet channel)', () => {
    const night = at(2026, 11, 2, 15); // 23:00 Shanghai
    expect(decide(policy, subject({ now: night }))).toEqual({ decision: 'defer', until: at(2026, 11, 3, 1), reason: 'quiet_hours:21:00-09:00' });
    expect(decide(policy, subject({ now: night, channel: 'voice' }))).toMatchObject({ decision: 'defer', until: at(2026, 11, 3, 1) });
    expect(decide(policy, subject({ now: night, channel: 'push' }))).toEqual({ decision: 'allow' });
    // the same instant is 12:00 in São Paulo (UTC-3): allowed there
    expect(decide(policy, subject({ now: night, timezone: 'America/Sao_Paulo' }))).toEqual({ decision: 'allow' });
  });

  it('defers a second SMS within 24h until the first is 24h old', () => {
    expect(decide(policy, subject({ sends: [sent('sms', 2 * HOUR)] }))).toEqual({ decision: 'defer', until: NOON_SH + 22 * HOUR, reason: 'cap:sms:1/24h' });
  });

  it('defers a fourth SMS in a week even with none in the last day', () => {
    const sends = [sent('sms', 6 * DAY), sent('sms', 4 * DAY), sent('sms', 2 * DAY)];
    expect(decide(policy, subject({ sends }))).toEqual({ decision: 'defer', until: NOON_SH + DAY, reason: 'cap:sms:3/168h' });
  });

  it('the total cap counts every channel: two pushes today hold back an SMS', () => {
    const sends = [sent('push', 5 * HOUR), sent('email', HOUR)];
    expect(decide(policy, subject({ sends }))).toEqual({ decision: 'defer', until: NOON_SH + 19 * HOUR, reason: 'cap:all:2/24h' });
    expect(decide(policy, subject({ channel: 'push', sends }))).toEqual({ decision: 'defer', until: NOON_SH + 19 * HOUR, reason: 'cap:all:2/24h' });
  });

  it('when several rules hold a message back, it waits for the last of them and names that one', () => {
    // SMS 1/24h frees at 10:00 Shanghai tomorrow, the weekly cap only in 3 days
    const sends = [sent('sms', 4 * DAY), sent('sms', 3 * DAY + 2 * HOUR), sent('sms', 2 * HOUR)];
    expect(decide(policy, subject({ sends }))).toEqual({ decision: 'defer', until: NOON_SH + 3 * DAY, reason: 'cap:sms:3/168h' });
    // at 23:00 with an SMS sent at 22:00: quiet ends 09:00, the cap frees at 22:00 tomorrow → the cap decides
    const night = at(2026, 11, 2, 15);
    expect(decide(policy, subject({ now: night, sends: [sent('sms', HOUR, night)] }))).toEqual({ decision: 'defer', until: night + 23 * HOUR, reason: 'cap:sms:1/24h' });
    // at 23:00 with an SMS sent at 08:00: the cap frees at 08:00, quiet hours end at 09:00 → quiet hours decide
    expect(decide(policy, subject({ now: night, sends: [sent('sms', 15 * HOUR, night)] }))).toEqual({ decision: 'defer', until: at(2026, 11, 3, 1), reason: 'quiet_hours:21:00-09:00' });
  });

  it('a cap of 0 suppresses (nothing to wait for), for marketing only', () => {
    const none: PolicyRules = { caps: [{ channel: 'voice', max: 0, windowHours: 24 }], quietHours: [] };
    expect(decide(none, subject({ channel: 'voice' }))).toEqual({ decision: 'suppress', reason: 'cap:voice:0/24h' });
    expect(decide(none, subject({ channel: 'voice', category: 'transactional' }))).toEqual({ decision: 'allow' });
    expect(decide(none, subject({ channel: 'sms' }))).toEqual({ decision: 'allow' });
    const noneAtAll: PolicyRules = { caps: [{ channel: 'all', max: 0, windowHours: 1 }], quietHours: [] };
    expect(decide(noneAtAll, subject({ channel: 'email' }))).toEqual({ decision: 'suppress', reason: 'cap:all:0/1h' });
  });

  // policy.ts: "quiet hours apply to every message (a reminder at 3 a.m. is still a bad reminder); caps apply to marketing only"
  it('transactional messages skip the caps but still respect quiet hours', () => {
    const full = [sent('sms', HOUR), sent('sms', 2 * HOUR), sent('push', 3 * HOUR)];
    expect(decide(policy, subject({ category: 'marketing', sends: full }))).toMatchObject({ decision: 'defer' });
    expect(decide(policy, subject({ category: 'transactional', sends: full }))).toEqual({ decision: 'allow' });
    const night = at(2026, 11, 2, 15);
    expect(decide(policy, subject({ category: 'transactional', now: night, sends: full }))).toEqual({
      decision: 'defer',
      until: at(2026, 11, 3, 1),
      reason: 'quiet_hours:21:00-09:00',
    });
  });

  it('is pure: the ledger is read, never changed', () => {
    const sends = [sent('sms', HOUR)];
    const copy = structuredClone(sends);
    decide(policy, subject({ sends }));
    decide(policy, subject({ sends }));
    expect(sends).toEqual(copy);
  });

  it('an empty policy allows everything but opted-out channels', () => {
    const empty: PolicyRules = { caps: [], quietHours: [] };
    expect(decide(empty, subject({ now: at(2026, 11, 2, 15), sends: [sent('sms', MINUTE)] }))).toEqual({ decision: 'allow' });
  });
});

describe('describeReason / describeDecision: the timeline’s words', () => {
  it('words the cap reasons', () => {
    expect(describeReason(capReason(smsDaily))).toBe('SMS cap 1/day');
    expect(describeReason(capReason(smsWeekly))).toBe('SMS cap 3/week');
    expect(describeReason(capReason(allDaily))).toBe('total cap 2/day');
    expect(describeReason('cap:voice:1/48h')).toBe('Robo-call cap 1/2 days');
    expect(describeReason('cap:push:4/6h')).toBe('Push cap 4/6h');
    expect(describeReason('opted_out:voice')).toBe('opted out of Robo-call');
    expect(describeReason('quiet_hours:21:00-09:00')).toBe('quiet hours');
    expect(describeReason('exited:exit_criteria:credit_granted')).toBe('the contact left the journey first (exit_criteria:credit_granted)');
    expect(describeReason('journey_archived')).toBe('the journey was archived');
    expect(describeReason('journey_paused')).toBe('the journey is paused');
    expect(describeReason('something_else')).toBe('something_else');
  });

  it('names the end of a deferral in the contact’s zone', () => {
    const until = at(2026, 11, 2, 14); // 09:00 New York (EST), 22:00 Shanghai
    expect(describeDecision('deferred', 'quiet_hours:21:00-09:00', until, 'America/New_York')).toBe('deferred by quiet hours until 09:00 America/New_York');
    expect(describeDecision('deferred', 'cap:sms:1/24h', until, 'Asia/Shanghai')).toBe('deferred by SMS cap 1/day until 22:00 Asia/Shanghai');
    expect(describeDecision('deferred', 'cap:sms:1/24h', null, 'Asia/Shanghai')).toBe('deferred by SMS cap 1/day');
    expect(describeDecision('suppressed', 'opted_out:sms', null, 'Asia/Shanghai')).toBe('suppressed: opted out of SMS');
    expect(describeDecision('suppressed', 'cap:sms:1/24h', null, 'Asia/Shanghai')).toBe('suppressed: SMS cap 1/day');
  });
});

// ---------------------------------------------------------------- properties

const zones = ['Asia/Shanghai', 'America/Sao_Paulo', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'] as const;

/** An independent oracle for the local minute of day: Intl, not the code under test. */
function localMinutes(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return n('hour') * 60 + n('minute');
}
const hhmmToMinutes = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
function isQuiet(q: QuietHours, t: number, tz: string): boolean {
  const m = localMinutes(t, tz);
  const from = hhmmToMinutes(q.from);
  const to = hhmmToMinutes(q.to);
  return from > to ? m >= from || m < to : m >= from && m < to;
}
const countIn = (cap: Cap, t: number, sends: readonly LedgerEntry[]): number =>
  sends.filter((s) => (cap.channel === 'all' || s.channel === cap.channel) && s.at > t - cap.windowHours * HOUR && s.at <= t).length;
const appliesTo = (cap: Cap, ch: Channel): boolean => cap.channel === 'all' || cap.channel === ch;

const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const arbCap: fc.Arbitrary<Cap> = fc.record({
  channel: fc.constantFrom<Cap['channel']>(...channels, 'all'),
  max: fc.integer({ min: 0, max: 4 }),
  windowHours: fc.integer({ min: 1, max: 200 }),
});
const arbQuiet: fc.Arbitrary<QuietHours> = fc.record({ channels: fc.subarray([...channels], { minLength: 1 }), from: hhmm, to: hhmm }).filter((q) => q.from !== q.to);
const arbPolicy: fc.Arbitrary<PolicyRules> = fc.record({
  caps: fc.array(arbCap, { maxLength: 4 }),
  quietHours: fc.array(arbQuiet, { maxLength: 2 }),
});
const T_MIN = at(2026, 1, 1, 0);
const T_MAX = at(2027, 1, 1, 0);
/** 2026's DST changes in the zones above (New York, London, Lord Howe's half hour): nights where wall time jumps or repeats. */
const dstChanges = [at(2026, 3, 8, 7), at(2026, 11, 1, 6), at(2026, 3, 29, 1), at(2026, 10, 25, 1), at(2026, 4, 4, 15), at(2026, 10, 3, 15, 30)];
const arbNow = fc.oneof(
  fc.integer({ min: T_MIN, max: T_MAX }),
  fc.tuple(fc.constantFrom(...dstChanges), fc.integer({ min: -36 * HOUR, max: 36 * HOUR })).map(([t, d]) => t + d),
);
const arbSubject = (opts: { oneQuietWindow?: boolean } = {}) =>
  fc
    .record({
      policy: opts.oneQuietWindow ? fc.record({ caps: fc.array(arbCap, { maxLength: 4 }), quietHours: fc.array(arbQuiet, { maxLength: 1 }) }) : arbPolicy,
      channel: fc.constantFrom<Channel>(...channels),
      category: fc.constantFrom<MessageCategory>('marketing', 'transactional'),
      now: arbNow,
      timezone: fc.constantFrom(...zones),
      optedOut: fc.subarray([...channels], { maxLength: 2 }),
      // ledgers only hold the past: a send is entered when it is queued
      ago: fc.array(fc.record({ channel: fc.constantFrom<Channel>(...channels), ago: fc.integer({ min: 0, max: 220 * HOUR }) }), { maxLength: 12 }),
    })
    .map(({ policy, channel, category, now, timezone, optedOut, ago }) => ({
      policy,
      s: { channel, category, now, timezone, optedOut: new Set(optedOut), sends: ago.map((a) => ({ channel: a.channel, at: now - a.ago })) } satisfies PolicySubject,
    }));

/** The deferral contract, checked on one subject; see the properties below. */
function checkDeferral(policy: PolicyRules, s: PolicySubject): void {
  const v = decide(policy, s);
  if (v.decision !== 'defer') return;
  expect(Number.isFinite(v.until)).toBe(true);
  expect(v.until).toBeGreaterThan(s.now);
  // not a minute too late: one millisecond earlier the message would still be held back
  expect(decide(policy, { ...s, now: v.until - 1 }).decision).not.toBe('allow');
  // caps never hold back at the moment the verdict named, with the same ledger
  for (const cap of policy.caps) if (s.category === 'marketing' && appliesTo(cap, s.channel)) expect(capUntil(cap, s.channel, v.until, s.sends)).toBeNull();
  const again = decide(policy, { ...s, now: v.until });
  if (again.decision === 'allow') return;
  expect(again.decision).toBe('defer');
  const next = again as Extract<PolicyVerdict, { decision: 'defer' }>;
  expect(next.until).toBeGreaterThan(v.until);
  expect(next.reason).not.toBe(v.reason);
  // so only a quiet window can hold it back again
  expect(next.reason).toMatch(/^quiet_hours:/);
}

describe('decide, for any policy and ledger', () => {
  it('"allow" means: not opted out, not in a quiet window, and (marketing) adding the send keeps every cap it counts against satisfied', () => {
    fc.assert(
      fc.property(arbSubject(), ({ policy, s }) => {
        const v = decide(policy, s);
        if (v.decision !== 'allow') return;
        expect(s.optedOut.has(s.channel)).toBe(false);
        for (const q of policy.quietHours) if (q.channels.includes(s.channel)) expect(isQuiet(q, s.now, s.timezone)).toBe(false);
        if (s.category === 'marketing') {
          const after = [...s.sends, { channel: s.channel, at: s.now }];
          for (const cap of policy.caps) if (appliesTo(cap, s.channel)) expect(countIn(cap, s.now, after)).toBeLessThanOrEqual(cap.max);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('"suppress" only for an opt-out or a marketing cap of 0; "defer" never for an opt-out', () => {
    fc.assert(
      fc.property(arbSubject(), ({ policy, s }) => {
        const v = decide(policy, s);
        if (s.optedOut.has(s.channel)) expect(v).toEqual({ decision: 'suppress', reason: `opted_out:${s.channel}` });
        else if (v.decision === 'suppress') {
          expect(s.category).toBe('marketing');
          const zero = policy.caps.find((c) => c.max === 0 && appliesTo(c, s.channel));
          expect(zero).toBeDefined();
          expect(v.reason).toBe(capReason(zero as Cap));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('"defer until T": T is later and finite, the blocker still holds just before T, and at T (same ledger) it is allowed or deferred again by another rule', () => {
    fc.assert(
      fc.property(arbSubject(), ({ policy, s }) => checkDeferral(policy, s)),
      { numRuns: 3000 },
    );
  });

  it('the same holds on DST nights, for windows ending in the small hours (when clocks jump or repeat)', () => {
    const nights = [
      ['America/New_York', at(2026, 3, 8, 7)],
      ['America/New_York', at(2026, 11, 1, 6)],
      ['Europe/London', at(2026, 3, 29, 1)],
      ['Europe/London', at(2026, 10, 25, 1)],
      ['Australia/Lord_Howe', at(2026, 10, 3, 15, 30)],
      ['Australia/Lord_Howe', at(2026, 4, 4, 15)],
    ] as const;
    const quarter = (h0: number, h1: number) =>
      fc.tuple(fc.integer({ min: h0, max: h1 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const arb = fc
      .record({
        night: fc.constantFrom(...nights),
        offset: fc.integer({ min: -30 * HOUR, max: 2 * HOUR }),
        from: quarter(20, 23),
        to: quarter(0, 3),
        caps: fc.array(
          arbCap.filter((c) => c.max > 0),
          { maxLength: 2 },
        ),
        ago: fc.array(fc.integer({ min: 0, max: 48 * HOUR }), { maxLength: 3 }),
      })
      .map(({ night: [timezone, change], offset, from, to, caps, ago }) => {
        const now = change + offset;
        const policy: PolicyRules = { caps, quietHours: [{ channels: ['sms'], from, to }] };
        const s: PolicySubject = { channel: 'sms', category: 'marketing', now, timezone, optedOut: new Set(), sends: ago.map((a) => ({ channel: 'sms', at: now - a })) };
        return { policy, s };
      });
    fc.assert(
      fc.property(arb, ({ policy, s }) => checkDeferral(policy, s)),
      { numRuns: 4000 },
    );
  });

  it('with at most one quiet window, a deferred message goes within two more asks', () => {
    fc.assert(
      fc.property(arbSubject({ oneQuietWindow: true }), ({ policy, s }) => {
        let v = decide(policy, s);
        for (let i = 0; i < 2 && v.decision === 'defer'; i++) v = decide(policy, { ...s, now: v.until });
        expect(v.decision).not.toBe('defer');
      }),
      { numRuns: 2000 },
    );
  });
});
