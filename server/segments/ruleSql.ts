import { sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { contacts, events } from '../db/schema';
import type { Db } from '../db/client';
import type { ComparisonOp, Condition, PropertyFilter, RuleIssue, RuleSet, Scalar } from '../../shared/segments/rules';
import { DAY } from '../../shared/util/time';
import { assertNever } from '../../shared/util/assertNever';

/** `$."name"`: a JSON path to one key, whatever characters the key holds. */
const jsonPath = (key: string): string => `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * One JSON value compared as the pure evaluator (shared/segments/evaluate.ts)
 * compares it, so a segment counts in SQL what a preview counts in memory.
 */
function compareSql(doc: AnySQLiteColumn, key: string, op: ComparisonOp, expected: Scalar | Scalar[] | undefined): SQL {
  const path = jsonPath(key);
  const type = sql`json_type(${doc}, ${path})`;
  const value = sql`json_extract(${doc}, ${path})`;
  // as JS reads the JSON number back (an integer past 2^53 rounds); true/false read back as 1/0
  const number = sql`cast(${value} as real)`;
  // the evaluator's String(actual) === String(expected), per JSON type, without formatting numbers in SQL
  // (SQLite writes 1.5e-7 as '1.5e-07'); a list or an object equals nothing
  const eq = (e: Scalar | undefined): SQL => {
    if (e === undefined) return sql`0`;
    if (e === null) return sql`coalesce(${type} = 'null', 0)`;
    const text = String(e);
    const n = Number(text);
    const parts = [sql`(${type} = 'text' and ${value} = ${text})`];
    if (Number.isFinite(n) && String(n) === text) parts.push(sql`(${type} in ('integer', 'real') and ${number} = ${n})`);
    if (text === 'true' || text === 'false') parts.push(sql`${type} = ${text}`);
    return sql`coalesce(${sql.join(parts, sql` or `)}, 0)`;
  };
  switch (op) {
    case 'exists':
      return sql`coalesce(${type} <> 'null', 0)`;
    case 'not_exists':
      return sql`coalesce(${type} = 'null', 1)`;
    case 'eq':
      return Array.isArray(expected) ? sql`0` : eq(expected);
    case 'neq':
      return sql`not ${compareSql(doc, key, 'eq', expected)}`;
    case 'in':
      return Array.isArray(expected) && expected.length ? sql`(${sql.join(expected.map(eq), sql` or `)})` : sql`0`;
    case 'contains':
      return typeof expected === 'string' ? sql`coalesce(${type} = 'text' and instr(${value}, ${expected}) > 0, 0)` : sql`0`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const cmp = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[op];
      if (typeof expected === 'string') return sql`coalesce(${type} = 'text' and ${value} ${cmp} ${expected}, 0)`;
      if (typeof expected === 'number' || typeof expected === 'boolean') {
        const n = typeof expected === 'boolean' ? Number(expected) : expected;
        return sql`coalesce(${type} in ('integer', 'real', 'true', 'false') and ${number} ${cmp} ${n}, 0)`;
      }
      return sql`0`;
    }
    default:
      return assertNever(op, 'comparison op');
  }
}

/** ` and <filter>…` over `events.properties` (empty without filters), as event conditions and event entry match them. */
export function filtersSql(filters: readonly PropertyFilter[]): SQL {
  return filters.length ? sql.join([sql``, ...filters.map((f) => compareSql(events.properties, f.property, f.op, f.value))], sql` and `) : sql``;
}

function conditionSql(c: Condition, now: number): SQL {
  switch (c.type) {
    case 'trait':
      return compareSql(contacts.traits, c.trait, c.op, c.value);
    case 'event': {
      const exists = sql`exists (select 1 from ${events} where ${events.contactId} = ${contacts.id} and ${events.name} = ${c.event} and ${events.at} >= ${now - c.withinDays * DAY} and ${events.at} <= ${now}${filtersSql(c.filter)})`;
      return c.did ? exists : sql`not ${exists}`;
    }
    case 'registered':
      return sql`(${contacts.registeredAt} is not null and ${contacts.registeredAt} <= ${now - c.minDaysAgo * DAY} and ${contacts.registeredAt} > ${now - c.maxDaysAgo * DAY})`;
    default:
      return assertNever(c, 'condition');
  }
}

/** A WHERE fragment over `contacts` selecting the members of a rule set at `now`. */
export function ruleSetSql(r: RuleSet, now: number): SQL {
  if (r.conditions.length === 0) return sql`1`;
  const parts = r.conditions.map((c) => sql`(${conditionSql(c, now)})`);
  return sql`(${sql.join(parts, r.match === 'all' ? sql` and ` : sql` or `)})`;
}

/**
 * Prepares the rule set's SQL without running it, as segment entry will run
 * it: SQLite's refusal (an expression nested too deep, a JSON path it cannot
 * parse) comes back as issues when the rules are saved, not on a tick. When
 * the whole set fails, each condition is prepared alone to say which one.
 */
export function ruleSqlIssues(db: Db, r: RuleSet, now: number): RuleIssue[] {
  const prepares = (where: SQL): string | null => {
    try {
      db.$client.prepare(db.select({ id: contacts.id }).from(contacts).where(where).toSQL().sql);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  const whole = prepares(ruleSetSql(r, now));
  if (whole === null) return [];
  const located = r.conditions.flatMap((c, i): RuleIssue[] => {
    const why = prepares(sql`(${conditionSql(c, now)})`);
    return why === null ? [] : [{ path: ['conditions', i], message: `SQLite cannot run this condition: ${why}` }];
  });
  return located.length ? located : [{ path: ['conditions'], message: `SQLite cannot run these rules together: ${whole}` }];
}
