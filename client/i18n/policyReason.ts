import { useMemo } from 'react';
import { Channel } from '../../shared/journey/channels';
import { weekdays, type Weekday } from '../../shared/util/time';
import { localTime } from '../../shared/util/time';
import { channelMessages } from './registryMessages';
import { exitReasonText } from './exitReason';
import { useT, type Translate } from './useT';
import { useFormat } from './useFormat';

const isWeekday = (d: string): d is Weekday => (weekdays as readonly string[]).includes(d);

/** Calling days: a run of three or more as a range ("Mon–Sat", "周一–周六"), else listed. */
function dayWords(t: Translate, days: readonly string[], weekday: (d: Weekday) => string): string {
  const idx = [...new Set(days.filter(isWeekday).map((d) => weekdays.indexOf(d)))].sort((x, y) => x - y);
  const runs: [number, number][] = [];
  for (const i of idx) {
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  const name = (i: number) => weekday(weekdays[i] as Weekday);
  const sep = t('reason.daySeparator');
  return runs.map(([x, y]) => (y - x >= 2 ? `${name(x)}–${name(y)}` : y > x ? `${name(x)}${sep}${name(y)}` : name(x))).join(sep);
}

/**
 * A policy reason code in the reader's language (shared/policy/describe.ts
 * says it in English for the API): `cap:sms:1/24h` → "SMS cap 1/day",
 * "短信频次上限 1 次/天". An unknown code is shown as it is.
 */
export function reasonText(t: Translate, reason: string, weekday: (d: Weekday) => string): string {
  const [kind = '', a, b] = reason.split(':');
  const channel = (c: string | undefined) => {
    const ch = Channel.safeParse(c);
    return ch.success ? t(channelMessages[ch.data]) : String(c);
  };
  switch (kind) {
    case 'opted_out':
      return t('reason.opted_out', { channel: channel(a) });
    case 'cap': {
      if (!a || !b) return reason;
      const [max, hours] = b.replace('h', '').split('/').map(Number);
      return t('reason.cap', {
        channel: a === 'all' ? t('reason.cap.total') : channel(a),
        max: max ?? 0,
        hours: hours ?? 0,
        days: (hours ?? 0) / 24,
        unit: hours === 24 ? 'day' : hours === 168 ? 'week' : (hours ?? 0) % 24 === 0 ? 'days' : 'hours',
      });
    }
    case 'quiet_hours':
      return t('reason.quiet_hours');
    case 'sleeping':
      return t('reason.sleeping');
    case 'repayment_overdue':
      return t('reason.repayment_overdue');
    case 'rejection_cooldown':
      return t('reason.rejection_cooldown', { days: Number(String(a).replace('d', '')) });
    case 'calling_hours':
      if (!a || !b) return reason;
      return t('reason.calling_hours', { days: dayWords(t, a.split(','), weekday), hours: b.replace(/(\d\d)(\d\d)-(\d\d)(\d\d)/, '$1:$2–$3:$4') });
    case 'global_control':
      return t('reason.global_control');
    case 'exited':
      return t('reason.exited', { why: exitReasonText(t, reason.slice('exited:'.length)) });
    case 'journey_archived':
      return t('reason.journey_archived');
    case 'journey_paused':
      return t('reason.journey_paused');
    default:
      return reason;
  }
}

const hhmm = (at: number, tz: string): string => {
  const { minutes } = localTime(at, tz);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

/** A policy decision as the timeline shows it: "deferred by quiet hours until 09:00 Asia/Shanghai", "因免打扰时段推迟到 09:00（Asia/Shanghai）". */
export function decisionText(t: Translate, d: { status: 'deferred' | 'suppressed'; reason: string; until: number | null }, tz: string, weekday: (d: Weekday) => string): string {
  const why = reasonText(t, d.reason, weekday);
  if (d.status === 'suppressed') return t('reason.suppressed', { why });
  return d.until === null ? t('reason.deferred', { why }) : t('reason.deferredUntil', { why, time: hhmm(d.until, tz), tz });
}

/** reasonText and decisionText in the chosen locale. */
export function usePolicyWords() {
  const t = useT();
  const { weekday } = useFormat();
  return useMemo(
    () => ({
      reason: (reason: string) => reasonText(t, reason, weekday),
      decision: (d: { status: 'deferred' | 'suppressed'; reason: string; until: number | null }, tz: string) => decisionText(t, d, tz, weekday),
    }),
    [t, weekday],
  );
}
