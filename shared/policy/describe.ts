import { channelLabels, Channel } from '../journey/channels';
import { localTime } from '../util/time';

const windowWords = (hours: number): string => (hours === 24 ? 'day' : hours === 168 ? 'week' : hours % 24 === 0 ? `${hours / 24} days` : `${hours}h`);

/** A reason code in plain words: `cap:sms:1/24h` → "SMS cap 1/day". */
export function describeReason(reason: string): string {
  const [kind, a, b] = reason.split(':');
  if (kind === 'opted_out') {
    const ch = Channel.safeParse(a);
    return `opted out of ${ch.success ? channelLabels[ch.data] : String(a)}`;
  }
  if (kind === 'cap' && a && b) {
    const [max, hours] = b.replace('h', '').split('/').map(Number);
    const ch = Channel.safeParse(a);
    return `${a === 'all' ? 'total' : ch.success ? channelLabels[ch.data] : a} cap ${String(max)}/${windowWords(hours ?? 0)}`;
  }
  if (kind === 'quiet_hours') return 'quiet hours';
  if (kind === 'global_control') return 'in the global control group (no marketing)';
  if (kind === 'exited') return `the contact left the journey first (${reason.slice('exited:'.length)})`;
  if (kind === 'journey_archived') return 'the journey was archived';
  if (kind === 'journey_paused') return 'the journey is paused';
  return reason;
}

const hhmm = (at: number, tz: string): string => {
  const { minutes } = localTime(at, tz);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

/** A policy decision as the timeline shows it: "deferred by quiet hours until 09:00 Asia/Shanghai", "suppressed: SMS cap 1/day". */
export function describeDecision(decision: 'deferred' | 'suppressed', reason: string, until: number | null, tz: string): string {
  const why = describeReason(reason);
  if (decision === 'suppressed') return `suppressed: ${why}`;
  return until === null ? `deferred by ${why}` : `deferred by ${why} until ${hhmm(until, tz)} ${tz}`;
}
