import { z } from 'zod';
import { Channel } from '../journey/channels';
import { hhmmPattern } from '../util/time';
import { Guardrails } from './guardrails';

/** ≤ `max` messages on `channel` (or on all channels) per rolling `windowHours`. */
export const Cap = z.object({
  channel: z.union([Channel, z.literal('all')]),
  max: z.number().int().min(0, 'max must be 0 or more').max(1000),
  windowHours: z
    .number()
    .int()
    .min(1, 'window must be at least 1 hour')
    .max(24 * 90),
});
export type Cap = z.infer<typeof Cap>;

/** No `channels` between `from` and `to` in the contact's time zone; `from > to` wraps midnight. */
export const QuietHours = z
  .object({
    channels: z.array(Channel).min(1, 'pick at least one channel'),
    from: z.string().regex(hhmmPattern, 'must be HH:MM'),
    to: z.string().regex(hhmmPattern, 'must be HH:MM'),
  })
  .refine((q) => q.from !== q.to, { error: '"from" and "to" must differ', path: ['to'] });
export type QuietHours = z.infer<typeof QuietHours>;

/**
 * The workspace's contact policy, central, not per node. Caps count every
 * journey's sends; quiet hours apply to every message (a reminder at 3 a.m.
 * is still a bad reminder); caps apply to marketing only.
 */
export const ContactPolicy = z.object({
  caps: z.array(Cap).default([
    { channel: 'sms', max: 1, windowHours: 24 },
    { channel: 'sms', max: 3, windowHours: 24 * 7 },
    { channel: 'all', max: 2, windowHours: 24 },
  ]),
  quietHours: z.array(QuietHours).default([{ channels: ['sms', 'voice'], from: '21:00', to: '09:00' }]),
  /** the lending guardrails: rejection cooldown, overdue suppression, robo-call rules (a policy saved before them gets the defaults) */
  guardrails: Guardrails.prefault({}),
  /** % of contacts (by a hash of their id) who get no marketing at all, to measure uplift against; absent = none (shared/analytics/globalControl.ts) */
  globalControl: z.number().min(0, 'the global control group is 0 % or more').max(50, 'the global control group is at most 50 %').optional(),
});
export type ContactPolicy = z.infer<typeof ContactPolicy>;

export const defaultPolicy = (): ContactPolicy => ContactPolicy.parse({});
