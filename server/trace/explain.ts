import type { Condition, RuleSet } from '../../shared/segments/rules';
import { evaluateCondition, matchesFilters, type Profile } from '../../shared/segments/evaluate';
import { DAY } from '../../shared/util/time';
import { assertNever } from '../../shared/util/assertNever';
import type { ConditionWhy, TraceWhy } from './lines';

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

const shown = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** One condition, what the contact's data held for it at `now`, and whether it held (worded in server/trace/lines.ts and on the client). */
export function explainCondition(c: Condition, p: Profile, now: number): ConditionWhy {
  const held = evaluateCondition(c, p, now);
  switch (c.type) {
    case 'trait':
      return { code: 'trait', trait: c.trait, op: c.op, value: shown(c.value), saw: shown(p.traits[c.trait]), held };
    case 'event': {
      const since = now - c.withinDays * DAY;
      const seen = p.events.filter((e) => e.name === c.event && e.at >= since && e.at <= now && matchesFilters(e.properties, c.filter));
      const last = seen.length === 0 ? null : seen.reduce((m, e) => Math.max(m, e.at), -Infinity);
      return { code: 'event', did: c.did, event: c.event, filtered: c.filter.length > 0, days: c.withinDays, count: seen.length, last, held };
    }
    case 'registered':
      return { code: 'registered', min: c.minDaysAgo, max: c.maxDaysAgo, daysAgo: p.registeredAt === null ? null : Math.floor((now - p.registeredAt) / DAY), held };
    default:
      return assertNever(c, 'condition');
  }
}

/** Every condition of a rule set, explained (an empty set matches everyone). */
export const explainRules = (r: Pick<RuleSet, 'match' | 'conditions'>, p: Profile, now: number): TraceWhy[] =>
  r.conditions.length === 0 ? [{ code: 'no_conditions' }] : r.conditions.map((c) => explainCondition(c, p, now));
