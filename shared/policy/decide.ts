import type { Channel, MessageCategory } from '../journey/channels';
import type { PolicyVerdict } from '../journey/run';
import { HOUR, MINUTE, localTime, minutesOfDay } from '../util/time';
import type { Cap, ContactPolicy, QuietHours } from './policy';
import { callingHoursReason, callingHoursUntil, guardrailSuppression, noGuardrailFacts, type GuardrailFacts, type Guardrails } from './guardrails';
import { globalControlReason, inGlobalControl } from '../analytics/globalControl';

/**
 * The rules `decide` applies: a stored policy always has its guardrails (the
 * schema fills the defaults); a policy without them (a test's, a what-if)
 * applies none.
 */
export type PolicyRules = Pick<ContactPolicy, 'caps' | 'quietHours' | 'globalControl'> & { guardrails?: Guardrails };

export interface LedgerEntry {
  channel: Channel;
  /** epoch ms the message was queued */
  at: number;
}

export interface PolicySubject {
  channel: Channel;
  category: MessageCategory;
  now: number;
  timezone: string;
  optedOut: ReadonlySet<Channel>;
  /** this contact's recent sends on every channel, any journey */
  sends: readonly LedgerEntry[];
  /** the contact's id, for the global control group; absent where there is no stored contact (previews) */
  contactId?: number;
  /** what the lending guardrails read (absent: none applies) */
  facts?: GuardrailFacts;
}

const DAY_MINUTES = 24 * 60;

/**
 * End of the quiet window `now` falls in, or null when it is not quiet: the
 * first instant after `now` at which the local wall clock leaves the window.
 * Counted in elapsed minutes from `now`, then corrected for a clock change in
 * between: clocks set back make the window last longer (the hour repeats);
 * clocks set forward make it end sooner, and if `to` itself does not exist that
 * night (02:30 on a spring-forward night), it ends the moment the clocks jump.
 * (Resolving `to` as a wall time instead gets both wrong: a repeated `to` can
 * resolve to its first occurrence, already past, and a missing one to a
 * moment a gap-length late.)
 */
export function quietUntil(q: QuietHours, now: number, tz: string, depth = 0): number | null {
  const from = minutesOfDay(q.from);
  const to = minutesOfDay(q.to);
  const { minutes } = localTime(now, tz);
  if (!isQuiet(minutes, from, to)) return null;
  const end = quietEnd(to, minutes, now, tz);
  // the whole free stretch can fall inside a spring-forward gap (free 01:00–01:15, clocks jump 01:00 → 02:00):
  // that night the window never opens, so it ends at the next opening
  if (depth < 2 && isQuiet(localTime(end, tz).minutes, from, to)) return quietUntil(q, end, tz, depth + 1) ?? end;
  return end;
}

/** Whether local minute-of-day `m` falls in the window [from, to), which may wrap past midnight. */
const isQuiet = (m: number, from: number, to: number): boolean => (from > to ? m >= from || m < to : m >= from && m < to);

function quietEnd(to: number, minutes: number, now: number, tz: string): number {
  // local minutes start on whole UTC minutes (offsets are whole minutes)
  let end = now - (now % MINUTE) + ((to - minutes + DAY_MINUTES) % DAY_MINUTES) * MINUTE;
  // how far the wall clock ran ahead of elapsed time: the clock change, if any, in [-12h, 12h)
  const drift = ((localTime(end, tz).minutes - to + DAY_MINUTES + DAY_MINUTES / 2) % DAY_MINUTES) - DAY_MINUTES / 2;
  if (drift < 0) return end - drift * MINUTE;
  // clocks went forward: step back to where the wall clock first reads `to` or later
  const ahead = (t: number) => (localTime(t, tz).minutes - to + DAY_MINUTES) % DAY_MINUTES;
  for (let i = 0; i < drift && ahead(end - MINUTE) <= drift; i++) end -= MINUTE;
  return end;
}

/** When the cap frees a slot again, or null when it is not reached. */
export function capUntil(cap: Cap, channel: Channel, now: number, sends: readonly LedgerEntry[]): number | null {
  // fewer sends than the cap allows, whatever their channel or age: nothing to sort (most contacts, most messages)
  if (sends.length < cap.max) return null;
  const window = cap.windowHours * HOUR;
  const inWindow = sends
    .filter((s) => (cap.channel === 'all' || s.channel === cap.channel) && s.at > now - window && s.at <= now)
    .map((s) => s.at)
    .sort((a, b) => a - b);
  if (cap.channel !== 'all' && cap.channel !== channel) return null;
  if (inWindow.length < cap.max) return null;
  const oldestThatMustLeave = inWindow[inWindow.length - cap.max] as number;
  return oldestThatMustLeave + window;
}

/** Stable reason codes; `describeReason` turns them into words for the timeline. */
export const capReason = (c: Cap): string => `cap:${c.channel}:${c.max}/${c.windowHours}h`;

/** The guardrails' weekly robo-call cap as a cap over the ledger (a max of 0 is suppressed before this). */
const robocallCap = (max: number): Cap => ({ channel: 'voice', max, windowHours: 7 * 24 });

/** The widest window any rule looks back over: how much of the ledger a batch loads. */
export const ledgerHours = (policy: PolicyRules): number => Math.max(7 * 24, ...policy.caps.map((c) => c.windowHours));

const allow: PolicyVerdict = Object.freeze({ decision: 'allow' });

/**
 * The contact policy's verdict on one message: opt-outs suppress; quiet hours
 * defer to the window's end; a reached cap defers until a slot frees (a cap of
 * 0 suppresses); a contact in the global control group gets no marketing.
 * Pure: the ledger and the clock come in.
 */
export function decide(policy: PolicyRules, s: PolicySubject): PolicyVerdict {
  if (s.optedOut.has(s.channel)) return { decision: 'suppress', reason: `opted_out:${s.channel}` };
  const g = policy.guardrails;
  if (g !== undefined) {
    const suppressed = guardrailSuppression(g, s.category, s.channel, s.now, s.facts ?? noGuardrailFacts);
    if (suppressed !== null) return { decision: 'suppress', reason: suppressed };
  }
  if (s.category === 'marketing' && s.contactId !== undefined && inGlobalControl(s.contactId, policy.globalControl)) return { decision: 'suppress', reason: globalControlReason };
  // the latest of the deferrals wins (plain locals, no closure: this runs for every message a batch sends)
  let until = -1;
  let reason = '';
  for (const q of policy.quietHours) {
    if (!q.channels.includes(s.channel)) continue;
    const end = quietUntil(q, s.now, s.timezone);
    if (end !== null && end > until) {
      until = end;
      reason = `quiet_hours:${q.from}-${q.to}`;
    }
  }
  if (g !== undefined && (s.channel === 'voice' || s.channel === 'agent_call')) {
    // calling hours hold every call, a reminder too, and an agent's call as much as a robot's (its task is
    // queued only while they are open); the weekly robo-call cap, marketing robo-calls only (like the caps)
    const open = callingHoursUntil(g.robocalls, s.now, s.timezone);
    if (open !== null && open > until) {
      until = open;
      reason = callingHoursReason(g.robocalls);
    }
    if (s.channel === 'voice' && s.category === 'marketing') {
      const weekly = robocallCap(g.robocalls.maxPerWeek);
      const end = capUntil(weekly, 'voice', s.now, s.sends);
      if (end !== null && end > until) {
        until = end;
        reason = capReason(weekly);
      }
    }
  }
  if (s.category === 'marketing')
    for (const cap of policy.caps) {
      if (cap.channel !== 'all' && cap.channel !== s.channel) continue;
      if (cap.max === 0) return { decision: 'suppress', reason: capReason(cap) };
      const end = capUntil(cap, s.channel, s.now, s.sends);
      if (end !== null && end > until) {
        until = end;
        reason = capReason(cap);
      }
    }
  return until < 0 ? allow : { decision: 'defer', until, reason };
}
