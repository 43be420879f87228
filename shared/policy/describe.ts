import { channelLabels, Channel } from '../journey/channels';
import { localTime } from '../util/time';

const windowWords = (hours: number): string => (hours === 24 ? 'day' : hours === 168 ? 'week' : hours % 24 === 0 ? `${hours / 24} days` : `${hours}h`);

const dayNames: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const dayOrder = Object.keys(dayNames);

/** Calling days in words: a run of three or more consecutive days as a range ("Mon–Sat"), else listed ("Mon, Wed"). */
function dayWords(days: readonly string[]): string {
  const idx = days.map((d) => dayOrder.indexOf(d)).filter((i) => i >= 0);
  const runs: [number, number][] = [];
  for (const i of [...new Set(idx)].sort((x, y) => x - y)) {
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  const name = (i: number) => dayNames[dayOrder[i] as string] as string;
  return runs.map(([x, y]) => (y - x >= 2 ? `${name(x)}–${name(y)}` : y > x ? `${name(x)}, ${name(y)}` : name(x))).join(', ');
}

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
  if (kind === 'sleeping') return 'a sleeping contact (marketing went unanswered; the journey does not target sleeping contacts)';
  if (kind === 'repayment_overdue') return 'a repayment is overdue (no marketing until it is repaid)';
  if (kind === 'rejection_cooldown') return `cooldown after a credit rejection (${String(a).replace('d', '')} days)`;
  if (kind === 'calling_hours' && a && b) return `outside calling hours (${dayWords(a.split(','))} ${b.replace(/(\d\d)(\d\d)-(\d\d)(\d\d)/, '$1:$2–$3:$4')})`;
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
