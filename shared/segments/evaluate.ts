import { DAY } from '../util/time';
import { assertNever } from '../util/assertNever';
import type { ComparisonOp, Condition, PropertyFilter, RuleSet, Scalar } from './rules';

/** What the pure evaluator may know about a contact. */
export interface ProfileEvent {
  name: string;
  /** epoch ms */
  at: number;
  properties: Record<string, unknown>;
}

export interface Profile {
  traits: Record<string, unknown>;
  /** IANA time zone of the contact */
  timezone: string;
  /** epoch ms; from the `registered_at` trait or the first-seen time */
  registeredAt: number | null;
  /** Recent events, any order; the runner loads only the names a machine asks about. */
  events: readonly ProfileEvent[];
}

/** `p` with one trait set, every field copied by name (a spread would miss a profile's getters). */
export function withTrait(p: Profile, trait: string, value: unknown): Profile {
  return { traits: { ...p.traits, [trait]: value }, timezone: p.timezone, registeredAt: p.registeredAt, events: p.events };
}

function toComparable(v: unknown): number | string | null {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

// UTF-16 surrogates (D800–DFFF) carry code points above U+FFFF, which sort after U+E000–U+FFFF
const codePointRank = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/**
 * Strings in code-point order, as SQLite orders UTF-8 text, so `gt "！"` selects
 * the same contacts in SQL and in memory (JS `<` orders UTF-16 code units).
 */
function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** -1, 0 or 1; null when the two are not both numbers or both strings. */
function order(a: number | string, b: number | string): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return Math.sign(compareText(a, b));
  return null;
}

/** Compare one value with the rule's `op` and `value`. Unknown or mistyped values never match. */
export function compare(actual: unknown, op: ComparisonOp, expected: Scalar | Scalar[] | undefined): boolean {
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'not_exists':
      return actual === undefined || actual === null;
    case 'eq':
      // no value, or a list (that is what `in` is for), equals nothing; nor does a list or an object
      if (expected === undefined || Array.isArray(expected)) return false;
      if (expected === null) return actual === null;
      return (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') && String(actual) === String(expected);
    case 'neq':
      return !compare(actual, 'eq', expected);
    case 'in':
      return Array.isArray(expected) && expected.some((e) => compare(actual, 'eq', e));
    case 'contains':
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = toComparable(actual);
      const b = toComparable(Array.isArray(expected) ? undefined : expected);
      const d = a === null || b === null ? null : order(a, b);
      if (d === null) return false;
      if (op === 'gt') return d > 0;
      if (op === 'gte') return d >= 0;
      if (op === 'lt') return d < 0;
      return d <= 0;
    }
    default:
      return assertNever(op, 'comparison op');
  }
}

export function matchesFilters(properties: Record<string, unknown>, filters: readonly PropertyFilter[]): boolean {
  return filters.every((f) => compare(properties[f.property], f.op, f.value));
}

export function evaluateCondition(c: Condition, p: Profile, now: number): boolean {
  switch (c.type) {
    case 'trait':
      return compare(p.traits[c.trait], c.op, c.value);
    case 'event': {
      const since = now - c.withinDays * DAY;
      const happened = p.events.some((e) => e.name === c.event && e.at >= since && e.at <= now && matchesFilters(e.properties, c.filter));
      return happened === c.did;
    }
    case 'registered': {
      if (p.registeredAt === null) return false;
      const age = now - p.registeredAt;
      return age >= c.minDaysAgo * DAY && age < c.maxDaysAgo * DAY;
    }
    default:
      return assertNever(c, 'condition');
  }
}

/** An empty rule set matches everyone. */
export function evaluateRuleSet(r: RuleSet, p: Profile, now: number): boolean {
  if (r.conditions.length === 0) return true;
  return r.match === 'all' ? r.conditions.every((c) => evaluateCondition(c, p, now)) : r.conditions.some((c) => evaluateCondition(c, p, now));
}
