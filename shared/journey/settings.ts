import { z } from 'zod';
import { PropertyFilter } from '../segments/rules';

const eventName = z.string().trim().min(1, 'event name is required').max(120);

/** An event that ends a run wherever it is (e.g. `credit_granted`). */
export const ExitCriterion = z.object({ event: eventName, filter: z.array(PropertyFilter).default([]) });
export type ExitCriterion = z.infer<typeof ExitCriterion>;

/** A conversion event, credited to the nodes a contact visited within `windowDays` before it. */
export const Goal = z.object({
  event: eventName,
  filter: z.array(PropertyFilter).default([]),
  windowDays: z.number().int().min(1, 'attribution window must be at least 1 day').max(90).default(7),
});
export type Goal = z.infer<typeof Goal>;

export const ReentryPolicy = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('never') }),
  z.object({ policy: z.literal('after_exit') }),
  z.object({ policy: z.literal('after_days'), days: z.number().int().min(1).max(3650) }),
]);
export type ReentryPolicy = z.infer<typeof ReentryPolicy>;

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO date-time, e.g. 2026-12-01T00:00:00Z' });

/** When and how many contacts may enter. */
export const EntrySettings = z
  .object({
    from: isoDate.nullable().default(null),
    until: isoDate.nullable().default(null),
    /** at most this many contacts in the journey's lifetime; null = no limit */
    maxContacts: z.number().int().min(1).nullable().default(null),
  })
  // compare instants, not strings: "…T01:00+08:00" is before "…T18:00Z" of the day before
  .refine((e) => !e.from || !e.until || Date.parse(e.from) < Date.parse(e.until), { message: 'from must be before until', path: ['until'] });

export const JourneySettings = z.object({
  entry: EntrySettings.default({ from: null, until: null, maxContacts: null }),
  reentry: ReentryPolicy.default({ policy: 'never' }),
  exitCriteria: z.array(ExitCriterion).default([]),
  goals: z.array(Goal).default([]),
  /** journeys sharing a group never hold the same contact at once */
  exclusionGroup: z.string().trim().min(1).max(60).nullable().default(null),
});
export type JourneySettings = z.infer<typeof JourneySettings>;

export const defaultSettings = (): JourneySettings => JourneySettings.parse({});
