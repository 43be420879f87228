import { sql, type SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { contacts, events } from '../db/schema';
import { ruleSetSql } from '../segments/ruleSql';
import { RuleSet, type Condition } from '../../shared/segments/rules';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { ConfigOf } from '../../shared/journey/registry';
import { DAY } from '../../shared/util/time';
import { assertNever } from '../../shared/util/assertNever';

/**
 * A condition as "true at some moment of [from, to]", relaxed to a superset:
 * segment entry evaluates the rules at each of its scheduled times, and the
 * backtest's copy needs every contact any of them could admit (the engine on
 * the copy then decides exactly, at the times it enrols). Cheap: at most one
 * probe of the events index per contact and condition.
 */
function spanConditionSql(c: Condition, from: number, to: number): SQL {
  const span = to - from;
  const alone = (x: Condition, now: number) => ruleSetSql({ match: 'all', conditions: [x] }, now);
  switch (c.type) {
    case 'trait':
      return alone(c, to);
    case 'registered':
      return sql`(${contacts.registeredAt} is not null and ${contacts.registeredAt} <= ${to - c.minDaysAgo * DAY} and ${contacts.registeredAt} > ${from - c.maxDaysAgo * DAY})`;
    case 'event': {
      // did: an event anywhere from `withinDays` before the window to its end
      if (c.did) return alone({ ...c, withinDays: c.withinDays + Math.ceil(span / DAY) }, to);
      // did not: an event between (to − withinDays) and from lies inside every moment's look-back, so such a
      // contact fails at every moment of the window; anyone else may pass at some moment
      const days = Math.floor((c.withinDays * DAY - span) / DAY);
      return days >= 1 ? alone({ ...c, withinDays: days }, from) : sql`1`;
    }
    default:
      return assertNever(c, 'condition');
  }
}

/** Contacts a rule set could admit at some moment of [from, to] (a superset; see `spanConditionSql`). */
export function ruleSetSpanSql(r: RuleSet, from: number, to: number): SQL {
  if (r.conditions.length === 0) return sql`1`;
  const parts = r.conditions.map((c) => sql`(${spanConditionSql(c, from, to)})`);
  return sql`(${sql.join(parts, r.match === 'all' ? sql` and ` : sql` or `)})`;
}

/** The rule set a segment-entry machine enrols by, or null (event entry, or the segment is gone). */
export function entryRules(machine: CompiledJourney, segmentRules: (key: string) => unknown): RuleSet | null {
  const entry = machine.nodes[machine.entry];
  if (entry?.kind !== 'trigger.segment') return null;
  const raw = segmentRules((entry.config as ConfigOf<'trigger.segment'>).segment);
  return raw === undefined ? null : RuleSet.parse(raw);
}

/**
 * The recorded events that can change what a journey does, and how far back
 * before the window they are read: the events it waits for, starts on, ends
 * on, credits as goals or funnel steps, its branches look back at, and those
 * its entry segment's rules look at. Any other event routes nowhere and is
 * read by nothing the engine evaluates for this journey, so the copy leaves
 * it out (as ingestion appends such events without routing them).
 *
 * `before`: the names read from before the window, with how many days back:
 * the segment rules' events (each condition its own look-back) and the
 * branches' (the runner loads them all as far back as the longest of them).
 * Events it waits for, starts or ends on, or credits are routed as they
 * happen, and a credit goes to nodes visited in the window: earlier ones of
 * those names are never read.
 */
export function relevantEvents(machine: CompiledJourney, rules: RuleSet | null): { names: Set<string>; lookbackDays: number; before: Map<string, number> } {
  const s = machine.settings;
  const names = new Set<string>([...machine.awaitedEvents, ...Object.keys(machine.historyEvents), ...s.exitCriteria.map((x) => x.event), ...s.goals.map((g) => g.event), ...(s.funnel ?? [])]);
  if (machine.triggerEvent !== null) names.add(machine.triggerEvent);
  const branchDays = Math.max(0, ...Object.values(machine.historyEvents));
  const before = new Map<string, number>(Object.keys(machine.historyEvents).map((n) => [n, branchDays]));
  let lookbackDays = branchDays;
  for (const c of rules?.conditions ?? [])
    if (c.type === 'event') {
      names.add(c.event);
      lookbackDays = Math.max(lookbackDays, c.withinDays);
      before.set(c.event, Math.max(before.get(c.event) ?? 0, c.withinDays));
    }
  return { names, lookbackDays, before };
}

/**
 * Ids of the contacts who could have entered `machine` in [from, to]: for
 * segment entry, those its rules could admit at some moment of the window;
 * for event entry, those who did the trigger event in the window. Read on the
 * live database (read-only), ascending.
 */
export function candidateIds(src: BetterSQLite3Database, machine: CompiledJourney, rules: RuleSet | null, from: number, to: number): number[] {
  const entry = machine.nodes[machine.entry];
  if (entry?.kind === 'trigger.event')
    return src
      .all<{ id: number }>(sql`select distinct ${events.contactId} id from ${events} where ${events.name} = ${machine.triggerEvent} and ${events.at} >= ${from} and ${events.at} <= ${to} order by 1`)
      .map((r) => r.id);
  if (rules === null) return [];
  return src.all<{ id: number }>(sql`select ${contacts.id} id from ${contacts} where ${ruleSetSpanSql(rules, from, to)} order by 1`).map((r) => r.id);
}
