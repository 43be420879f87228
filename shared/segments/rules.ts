import { z } from 'zod';

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
  property: name('property').meta({ ui: 'property', title: 'Property' }),
  op: ComparisonOp.meta({ title: 'is' }),
  value: z.union([Scalar, z.array(Scalar)]).optional().meta({ ui: 'value', title: 'Value' }),
});
export type PropertyFilter = z.infer<typeof PropertyFilter>;

/** A contact trait compared with a value, e.g. `os eq "android"`. */
export const TraitCondition = z.object({
  type: z.literal('trait'),
  trait: name('trait').meta({ ui: 'trait', title: 'Trait' }),
  op: ComparisonOp.meta({ title: 'is' }),
  value: z.union([Scalar, z.array(Scalar)]).optional().meta({ ui: 'value', title: 'Value' }),
});

/** "Did (or did not) do `event` (matching `filter`) in the last `withinDays` days." */
export const EventCondition = z.object({
  type: z.literal('event'),
  event: name('event').meta({ ui: 'event', title: 'Event' }),
  did: z.boolean().default(true).meta({ title: 'Did it (unticked: did not)' }),
  withinDays: z.number().int().min(1, 'withinDays must be at least 1').max(3650).meta({ title: 'In the last … days' }),
  filter: z.array(PropertyFilter).default([]).meta({ title: 'Only events whose properties match' }),
});

/** Registered between `minDaysAgo` and `maxDaysAgo` days ago: the 3/6/12-month layers. */
export const RegisteredCondition = z
  .object({
    type: z.literal('registered'),
    minDaysAgo: z.number().int().min(0).default(0).meta({ title: 'At least … days ago' }),
    maxDaysAgo: z.number().int().min(1).max(3650).meta({ title: 'At most … days ago' }),
  })
  .refine((c) => c.minDaysAgo < c.maxDaysAgo, { message: 'minDaysAgo must be less than maxDaysAgo', path: ['minDaysAgo'] });

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
