import type { Channel, MessageCategory } from '../journey/channels';
import type { PolicyVerdict } from '../journey/run';
import { HOUR, localInstant, localTime, minutesOfDay } from '../util/time';
import type { Cap, ContactPolicy, QuietHours } from './policy';

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
}

/** End of the quiet window `now` falls in, or null when it is not quiet. */
export function quietUntil(q: QuietHours, now: number, tz: string): number | null {
  const from = minutesOfDay(q.from);
  const to = minutesOfDay(q.to);
  const { minutes } = localTime(now, tz);
  const wraps = from > to;
  const inside = wraps ? minutes >= from || minutes < to : minutes >= from && minutes < to;
  if (!inside) return null;
  // when the window wraps and we are before midnight, it ends tomorrow
  const dayOffset = wraps && minutes >= from ? 1 : 0;
  return localInstant(now, tz, dayOffset, to);
}

/** When the cap frees a slot again, or null when it is not reached. */
export function capUntil(cap: Cap, channel: Channel, now: number, sends: readonly LedgerEntry[]): number | null {
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

/**
 * The contact policy's verdict on one message: opt-outs suppress; quiet hours
 * defer to the window's end; a reached cap defers until a slot frees (a cap of
 * 0 suppresses). Pure: the ledger and the clock come in.
 */
export function decide(policy: ContactPolicy, s: PolicySubject): PolicyVerdict {
  if (s.optedOut.has(s.channel)) return { decision: 'suppress', reason: `opted_out:${s.channel}` };
  let verdict: PolicyVerdict = { decision: 'allow' };
  const later = (until: number, reason: string) => {
    if (verdict.decision !== 'defer' || until > verdict.until) verdict = { decision: 'defer', until, reason };
  };
  for (const q of policy.quietHours) {
    if (!q.channels.includes(s.channel)) continue;
    const until = quietUntil(q, s.now, s.timezone);
    if (until !== null) later(until, `quiet_hours:${q.from}-${q.to}`);
  }
  if (s.category === 'marketing')
    for (const cap of policy.caps) {
      if (cap.channel !== 'all' && cap.channel !== s.channel) continue;
      if (cap.max === 0) return { decision: 'suppress', reason: capReason(cap) };
      const until = capUntil(cap, s.channel, s.now, s.sends);
      if (until !== null) later(until, capReason(cap));
    }
  return verdict;
}
