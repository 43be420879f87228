import type { Condition, RuleSet } from '../../shared/segments/rules';
import { evaluateCondition, matchesFilters, type Profile } from '../../shared/segments/evaluate';
import { DAY } from '../../shared/util/time';
import { assertNever } from '../../shared/util/assertNever';

const formats = new Map<string, Intl.DateTimeFormat>();

/** An instant as an operator reads it, in the contact's zone: "2026-11-02 10:00 Asia/Shanghai". */
export function when(at: number, tz: string): string {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(tz, f);
  }
  const p = new Map(f.formatToParts(at).map((x) => [x.type, x.value]));
  const part = (k: Intl.DateTimeFormatPartTypes) => p.get(k) ?? '??';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${tz}`;
}

const shown = (v: unknown): string => (v === undefined ? 'no value' : JSON.stringify(v));

/** One condition, what the contact's data held for it at `now`, and whether it held: "limit gt 5000: saw 8000 → yes". */
export function explainCondition(c: Condition, p: Profile, now: number): string {
  const held = evaluateCondition(c, p, now) ? 'yes' : 'no';
  switch (c.type) {
    case 'trait':
      return `trait ${c.trait} ${c.op}${c.value === undefined ? '' : ` ${shown(c.value)}`}: saw ${shown(p.traits[c.trait])} → ${held}`;
    case 'event': {
      const since = now - c.withinDays * DAY;
      const seen = p.events.filter((e) => e.name === c.event && e.at >= since && e.at <= now && matchesFilters(e.properties, c.filter));
      const last = seen.reduce((m, e) => Math.max(m, e.at), -Infinity);
      const saw = seen.length === 0 ? 'none' : `${seen.length}, the last at ${when(last, p.timezone)}`;
      return `${c.did ? 'did' : 'did not do'} ${c.event}${c.filter.length ? ' (filtered)' : ''} in the last ${c.withinDays} days: saw ${saw} → ${held}`;
    }
    case 'registered': {
      const age = p.registeredAt === null ? 'no registration time' : `${Math.floor((now - p.registeredAt) / DAY)} days ago`;
      return `registered ${c.minDaysAgo}–${c.maxDaysAgo} days ago: saw ${age} → ${held}`;
    }
    default:
      return assertNever(c, 'condition');
  }
}

/** Every condition of a rule set, explained (an empty set matches everyone). */
export const explainRules = (r: Pick<RuleSet, 'match' | 'conditions'>, p: Profile, now: number): string[] =>
  r.conditions.length === 0 ? ['no conditions: everyone matches'] : r.conditions.map((c) => explainCondition(c, p, now));
