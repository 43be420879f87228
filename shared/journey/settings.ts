import { z } from 'zod';
import { PropertyFilter } from '../segments/rules';

const eventName = z.string().trim().min(1, 'event name is required').max(120);

/** An event that ends a run wherever it is (e.g. `credit_granted`). */
export const ExitCriterion = z.object({
  event: eventName.meta({ ui: 'event', title: 'Event', titleKey: 'field.event' }),
  filter: z.array(PropertyFilter).default([]).meta({ title: 'Only when its properties match', titleKey: 'field.onlyWhenItsPropertiesMatch' }),
});
export type ExitCriterion = z.infer<typeof ExitCriterion>;

/** A conversion event, credited to the nodes a contact visited within `windowDays` before it. */
export const Goal = z.object({
  event: eventName.meta({ ui: 'event', title: 'Goal event', titleKey: 'field.goalEvent' }),
  filter: z.array(PropertyFilter).default([]).meta({ title: 'Only when its properties match', titleKey: 'field.onlyWhenItsPropertiesMatch' }),
  windowDays: z.number().int().min(1, 'attribution window must be at least 1 day').max(90).default(7).meta({ title: 'Attribution window (days)', titleKey: 'field.attributionWindowDays' }),
});
export type Goal = z.infer<typeof Goal>;

export const ReentryPolicy = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('never') }),
  z.object({ policy: z.literal('after_exit') }),
  z.object({ policy: z.literal('after_days'), days: z.number().int().min(1).max(3650).meta({ title: 'Days since last entry', titleKey: 'field.daysSinceLastEntry' }) }),
]);
export type ReentryPolicy = z.infer<typeof ReentryPolicy>;

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO date-time, e.g. 2026-12-01T00:00:00Z' });

/** When and how many contacts may enter. */
export const EntrySettings = z
  .object({
    from: isoDate.nullable().default(null).meta({ ui: 'datetime', title: 'Open from', titleKey: 'field.openFrom' }),
    until: isoDate.nullable().default(null).meta({ ui: 'datetime', title: 'Open until', titleKey: 'field.openUntil' }),
    /** at most this many contacts in the journey's lifetime; null = no limit */
    maxContacts: z.number().int().min(1).nullable().default(null).meta({ title: 'At most … contacts', titleKey: 'field.atMostContacts' }),
  })
  // compare instants, not strings: "…T01:00+08:00" is before "…T18:00Z" of the day before
  .refine((e) => !e.from || !e.until || Date.parse(e.from) < Date.parse(e.until), { error: 'from must be before until', path: ['until'] });

export const JourneySettings = z.object({
  entry: EntrySettings.default({ from: null, until: null, maxContacts: null }).meta({ title: 'Entry', titleKey: 'field.entry' }),
  reentry: ReentryPolicy.default({ policy: 'never' }).meta({ title: 'Re-entry', titleKey: 'field.reEntry' }),
  exitCriteria: z
    .array(ExitCriterion)
    .default([])
    .meta({ title: 'Exit criteria', titleKey: 'field.exitCriteria', description: 'Events that end a run wherever it is, e.g. credit_granted.', descriptionKey: 'field.exitCriteria.help' }),
  goals: z
    .array(Goal)
    .default([])
    .meta({ title: 'Goals', titleKey: 'field.goals', description: 'Conversions credited to the nodes a contact visited within the attribution window.', descriptionKey: 'field.goals.help' }),
  /**
   * The events the node funnel follows after a message (ops' "sent → clicked → …"), credited like
   * goals to the nodes a contact visited within the first goal's attribution window (7 days without one).
   */
  funnel: z
    .array(eventName.meta({ ui: 'event', title: 'Step', titleKey: 'field.step' }))
    .max(8, 'at most 8 funnel steps')
    .default(['app_login', 'credit_application_started', 'loan_drawn'])
    .meta({ title: 'Funnel steps', titleKey: 'field.funnelSteps', description: 'Events the node funnel follows after sent and clicked.', descriptionKey: 'field.funnelSteps.help' }),
  /** sleeping contacts (shared/policy/guardrails.ts) get no marketing from this journey unless it targets them on purpose */
  sleeping: z.enum(['exclude', 'include']).default('exclude').meta({
    title: 'Sleeping contacts',
    titleKey: 'sleeping.label',
    description: 'Sleeping contacts get no marketing unless a journey includes them on purpose, e.g. a win-back with a different offer.',
    descriptionKey: 'field.sleeping.help',
  }),
  /** journeys sharing a group never hold the same contact at once */
  exclusionGroup: z.string().trim().min(1).max(60).nullable().default(null).meta({
    title: 'Mutual-exclusion group',
    titleKey: 'field.mutualExclusionGroup',
    description: 'Journeys in one group never hold the same contact at once.',
    descriptionKey: 'field.mutualExclusionGroup.help',
  }),
});
export type JourneySettings = z.infer<typeof JourneySettings>;

export const defaultSettings = (): JourneySettings => JourneySettings.parse({});
