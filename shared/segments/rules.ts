import { z } from 'zod';
import { textProblem } from '../util/cleanInput';
import { assertNever } from '../util/assertNever';

/**
 * Audience rules, shared by segments (issue: engine) and by the
 * `branch.condition` node, so "did X in the last N days" means one thing
 * everywhere. The server compiles them to SQL; `evaluate.ts` is the pure
 * evaluator used by `step`, previews and tests.
 */

export const comparisonOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists', 'not_exists'] as const;
export const ComparisonOp = z.enum(comparisonOps);
export type ComparisonOp = z.infer<typeof ComparisonOp>;

export const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof Scalar>;

const name = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(120, `${what} is longer than 120 characters`);

/** One comparison on an event property, e.g. `step eq "id_photo"`. */
export const PropertyFilter = z.object({
  property: name('property').meta({ ui: 'property', title: 'Property', titleKey: 'field.property' }),
  op: ComparisonOp.meta({ title: 'is', titleKey: 'field.is' }),
  value: z
    .union([Scalar, z.array(Scalar)])
    .optional()
    .meta({ ui: 'value', title: 'Value', titleKey: 'field.value' }),
});
export type PropertyFilter = z.infer<typeof PropertyFilter>;

/** A contact trait compared with a value, e.g. `os eq "android"`. */
export const TraitCondition = z.object({
  type: z.literal('trait'),
  trait: name('trait').meta({ ui: 'trait', title: 'Trait', titleKey: 'field.trait' }),
  op: ComparisonOp.meta({ title: 'is', titleKey: 'field.is' }),
  value: z
    .union([Scalar, z.array(Scalar)])
    .optional()
    .meta({ ui: 'value', title: 'Value', titleKey: 'field.value' }),
});

/** "Did (or did not) do `event` (matching `filter`) in the last `withinDays` days." */
export const EventCondition = z.object({
  type: z.literal('event'),
  event: name('event').meta({ ui: 'event', title: 'Event', titleKey: 'field.event' }),
  did: z.boolean().default(true).meta({ title: 'Did it (unticked: did not)', titleKey: 'field.didItUntickedDidNot' }),
  withinDays: z.number().int().min(1, 'withinDays must be at least 1').max(3650).meta({ title: 'In the last … days', titleKey: 'field.inTheLastDays' }),
  filter: z.array(PropertyFilter).default([]).meta({ title: 'Only events whose properties match', titleKey: 'field.onlyEventsWhosePropertiesMatch' }),
});

/** Registered between `minDaysAgo` and `maxDaysAgo` days ago: the 3/6/12-month layers. */
export const RegisteredCondition = z
  .object({
    type: z.literal('registered'),
    minDaysAgo: z.number().int().min(0).default(0).meta({ title: 'At least … days ago', titleKey: 'field.atLeastDaysAgo' }),
    maxDaysAgo: z.number().int().min(1).max(3650).meta({ title: 'At most … days ago', titleKey: 'field.atMostDaysAgo' }),
  })
  .refine((c) => c.minDaysAgo < c.maxDaysAgo, { error: 'minDaysAgo must be less than maxDaysAgo', path: ['minDaysAgo'] });

export const Condition = z.discriminatedUnion('type', [TraitCondition, EventCondition, RegisteredCondition]);
export type Condition = z.infer<typeof Condition>;

export const Match = z.enum(['all', 'any']);
export type Match = z.infer<typeof Match>;

/** A set of conditions combined with all/any. A segment is one of these. */
export const RuleSet = z.object({
  match: Match.default('all'),
  conditions: z.array(Condition).default([]),
});
export type RuleSet = z.infer<typeof RuleSet>;

// ─── limits on a segment's rules, checked when saved or previewed ───────────

/**
 * What a segment's rules may hold. The server turns them into one SQL
 * expression per segment that every scheduled entry runs; these bounds keep
 * that expression within what SQLite prepares (an `in` list of 1,000 values
 * nested deeper than its expression-depth limit; a NUL in a JSON path does
 * not parse) and cheap enough for a tick. The editor checks the same.
 * Nesting is bounded by the schema itself: a rule set holds conditions, an
 * event condition holds property filters, and nothing holds a rule set.
 */
export const ruleLimits = {
  /** values in one `in` list */
  listValues: 500,
  /** values over every list of a rule set */
  totalValues: 2000,
  /** conditions of a rule set, each event condition's property filters counted too */
  conditions: 50,
  /** characters of a trait or property name */
  nameLength: 64,
  /** characters of a string value */
  valueLength: 500,
} as const;

/** A trait or property name: letters and digits of any script, and _ - . : and spaces inside. */
const safeName = /^[\p{L}\p{N}_][\p{L}\p{N}_ .:-]*$/u;

/** What is wrong with a trait or property name, or null. */
export function nameProblem(name: string): string | null {
  const t = textProblem(name);
  if (t) return t;
  if (name.length > ruleLimits.nameLength) return `is longer than ${ruleLimits.nameLength} characters`;
  if (!safeName.test(name)) return 'may hold only letters, digits, spaces and _ - . : (starting with a letter, digit or _)';
  return null;
}

/** A problem at a path inside the rules, as zod reports it. */
export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/** Every limit a rule set breaks, each at the path of the field that breaks it (`conditions.3.value`). */
export function ruleSetIssues(r: RuleSet): RuleIssue[] {
  const out: RuleIssue[] = [];
  let total = 0;
  let conditions = r.conditions.length;
  const value = (v: Scalar | Scalar[] | undefined, path: (string | number)[]) => {
    if (!Array.isArray(v)) {
      if (typeof v === 'string') checkText(v, path);
      return;
    }
    total += v.length;
    if (v.length > ruleLimits.listValues) out.push({ path, message: `a list may hold at most ${ruleLimits.listValues} values (this one holds ${v.length})` });
    v.forEach((x, i) => typeof x === 'string' && checkText(x, [...path, i]));
  };
  const checkText = (s: string, path: (string | number)[]) => {
    const p = textProblem(s) ?? (s.length > ruleLimits.valueLength ? `is longer than ${ruleLimits.valueLength} characters` : null);
    if (p) out.push({ path, message: `the value ${p}` });
  };
  const checkName = (what: string, name: string, path: (string | number)[]) => {
    const p = nameProblem(name);
    if (p) out.push({ path, message: `the ${what} name ${JSON.stringify(name.slice(0, 40))} ${p}` });
  };
  r.conditions.forEach((c, i) => {
    const at = ['conditions', i];
    switch (c.type) {
      case 'trait':
        checkName('trait', c.trait, [...at, 'trait']);
        value(c.value, [...at, 'value']);
        break;
      case 'event': {
        const t = textProblem(c.event);
        if (t) out.push({ path: [...at, 'event'], message: `the event name ${t}` });
        conditions += c.filter.length;
        c.filter.forEach((f, k) => {
          checkName('property', f.property, [...at, 'filter', k, 'property']);
          value(f.value, [...at, 'filter', k, 'value']);
        });
        break;
      }
      case 'registered':
        break;
      default:
        assertNever(c, 'condition');
    }
  });
  if (conditions > ruleLimits.conditions)
    out.push({ path: ['conditions'], message: `a segment may hold at most ${ruleLimits.conditions} conditions and property filters in all (this one holds ${conditions})` });
  if (total > ruleLimits.totalValues) out.push({ path: ['conditions'], message: `a segment's lists may hold at most ${ruleLimits.totalValues} values in all (this one holds ${total})` });
  return out;
}

/**
 * A segment's rules as saved and previewed: the rule set within `ruleLimits`,
 * each problem located at its field. Rules already stored are read with the
 * lenient `RuleSet`, so a segment saved before these limits still loads (and
 * a journey whose segment SQLite cannot run is marked errored, not the tick).
 */
export const SegmentRules = RuleSet.superRefine((r, ctx) => {
  for (const i of ruleSetIssues(r)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
});
