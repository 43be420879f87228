import { z } from 'zod';
import { Channel } from '../journey/channels';
import { DAY, hhmmPattern, localInstant, localTime, minutesOfDay, weekdays, type Weekday } from '../util/time';

/** Property keys and event names: what an operator types, checked so a typo is named, not silently never matched. */
const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(100, `${what} is at most 100 characters`)
    .regex(/^[\w.:-]*$/, `${what} may hold letters, digits, "_", ".", ":" and "-" only`);

/**
 * No marketing for `days` after the contact's rejection event (the latest
 * one). A journey whose entry is that very event is the response to the
 * rejection (the partner offer), not what the cooldown is for: it is exempt.
 */
export const RejectionCooldown = z.object({
  enabled: z.boolean().default(true),
  event: name('the rejection event').default('credit_rejected'),
  days: z.number().int('days must be a whole number').min(1, 'days must be at least 1').max(365, 'days must be at most 365').default(30),
});
export type RejectionCooldown = z.infer<typeof RejectionCooldown>;

/** While the contact's trait `trait` equals `value`, no marketing of any kind; transactional messages (repayment reminders) still go. */
export const OverdueSuppression = z.object({
  enabled: z.boolean().default(true),
  trait: name('the overdue trait').default('loan_status'),
  value: z.string().trim().min(1, 'the overdue value must not be empty').max(100).default('overdue'),
});
export type OverdueSuppression = z.infer<typeof OverdueSuppression>;

/**
 * Robo-calls, stricter than SMS: at most `maxPerWeek` marketing calls per
 * rolling 7 days, and every call (a repayment reminder too) only on `days`
 * between `from` and `to` in the contact's time zone.
 */
export const RobocallRules = z
  .object({
    maxPerWeek: z.number().int('the weekly call cap must be a whole number').min(0, 'the weekly call cap must be 0 or more').max(50, 'the weekly call cap is at most 50').default(2),
    days: z
      .array(z.enum(weekdays))
      .min(1, 'pick at least one calling day')
      .default(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'])
      .refine((d) => new Set(d).size === d.length, { error: 'a calling day is listed twice' }),
    from: z.string().regex(hhmmPattern, 'calling hours must be HH:MM').default('09:00'),
    to: z.string().regex(hhmmPattern, 'calling hours must be HH:MM').default('20:00'),
  })
  .refine((r) => minutesOfDay(r.from) < minutesOfDay(r.to), { error: 'calling hours must end after they start (no calls past midnight)', path: ['to'] });
export type RobocallRules = z.infer<typeof RobocallRules>;

/**
 * Sleeping contacts: whoever finished `journeys` journeys, or was sent
 * `reminders` marketing messages, in the last `days` days without doing
 * anything since is marked sleeping (server/sleeping/, on the scheduler) and
 * gets no marketing, unless a journey targets sleeping contacts on purpose
 * (a win-back). Any event of theirs wakes them.
 */
export const SleepingRule = z.object({
  enabled: z.boolean().default(true),
  journeys: z.number().int('journeys must be a whole number').min(1, 'journeys must be at least 1').max(100, 'journeys is at most 100').default(3),
  reminders: z.number().int('reminders must be a whole number').min(1, 'reminders must be at least 1').max(1000, 'reminders is at most 1000').default(5),
  days: z.number().int('days must be a whole number').min(1, 'days must be at least 1').max(365, 'days must be at most 365').default(30),
});
export type SleepingRule = z.infer<typeof SleepingRule>;

/** The lending guardrails of the contact policy, each on by default. */
export const Guardrails = z.object({
  rejectionCooldown: RejectionCooldown.prefault({}),
  overdue: OverdueSuppression.prefault({}),
  robocalls: RobocallRules.prefault({}),
  sleeping: SleepingRule.prefault({}),
});
export type Guardrails = z.infer<typeof Guardrails>;

export const defaultGuardrails = (): Guardrails => Guardrails.parse({});

/** What the guardrails need to know about one contact, loaded for a batch. */
export interface GuardrailFacts {
  /** epoch ms of the latest rejection event within the cooldown, or null */
  rejectedAt: number | null;
  /** the overdue trait holds the overdue value */
  overdue: boolean;
  /** the message's journey is entered by the rejection event itself */
  respondsToRejection: boolean;
  /** the contact is marked sleeping */
  sleeping?: boolean;
  /** the message's journey targets sleeping contacts on purpose (its setting) */
  targetsSleeping?: boolean;
}

export const noGuardrailFacts: GuardrailFacts = Object.freeze({ rejectedAt: null, overdue: false, respondsToRejection: false });

/** Reason codes, turned into words by `describeReason`. */
export const overdueReason = 'repayment_overdue';
export const sleepingReason = 'sleeping';
export const cooldownReason = (g: RejectionCooldown): string => `rejection_cooldown:${g.days}d`;
export const callingHoursReason = (r: RobocallRules): string => `calling_hours:${r.days.join(',')}:${r.from.replace(':', '')}-${r.to.replace(':', '')}`;

/** A marketing message the lending guardrails suppress outright, with its reason; null when none does. */
export function guardrailSuppression(g: Guardrails, category: 'marketing' | 'transactional', channel: Channel, now: number, f: GuardrailFacts): string | null {
  if (category !== 'marketing') return null;
  if (g.overdue.enabled && f.overdue) return overdueReason;
  if (g.sleeping.enabled && f.sleeping === true && f.targetsSleeping !== true) return sleepingReason;
  if (g.rejectionCooldown.enabled && !f.respondsToRejection && f.rejectedAt !== null && f.rejectedAt <= now && now < f.rejectedAt + g.rejectionCooldown.days * DAY)
    return cooldownReason(g.rejectionCooldown);
  if (channel === 'voice' && g.robocalls.maxPerWeek === 0) return `cap:voice:0/168h`;
  return null;
}

/**
 * When calling hours open next, or null while they are open: the next
 * calling day's `from` in the contact's zone (today's, before it opens).
 */
export function callingHoursUntil(r: RobocallRules, now: number, tz: string): number | null {
  const { weekday, minutes } = localTime(now, tz);
  const from = minutesOfDay(r.from);
  const open = (d: number) => r.days.includes(weekdays[d % 7] as Weekday);
  if (open(weekday) && minutes >= from && minutes < minutesOfDay(r.to)) return null;
  for (let k = minutes < from ? 0 : 1; k <= 7; k++) if (open(weekday + k)) return localInstant(now, tz, k, from);
  return null; // unreachable: the schema asks for at least one day
}
