import { z } from 'zod';
import { normalizePhone, phonePattern } from '../contacts/phone';
import type { Channel } from '../journey/channels';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An optional field as a form sends it: absent, null and "" all mean none. */
const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} is longer than ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

/**
 * A test contact as an admin or operator enters it: a name and at least one
 * address. The phone is stored in the one spelling contacts' phones use
 * (shared/contacts/phone.ts), so "+86 138-0000-0001" and "+8613800000001"
 * are the same test phone.
 */
export const TestContactInput = z
  .object({
    name: z.string().trim().min(1, 'give the test contact a name').max(80, 'a name has at most 80 characters'),
    phone: optionalText(40, 'the phone number').refine((v) => v === null || phonePattern.test(v), {
      error: 'the phone number is not one: digits with an optional leading +, and spaces, dots, dashes or brackets between them',
    }),
    email: optionalText(200, 'the email address').refine((v) => v === null || emailPattern.test(v), { error: 'the email address is not one (name@example.com)' }),
  })
  .transform((v) => ({ ...v, phone: v.phone === null ? null : normalizePhone(v.phone), email: v.email === null ? null : v.email.toLowerCase() }))
  .refine((v) => v.phone !== null || v.email !== null, { error: 'give a phone number or an email address (or both)', path: ['phone'] });
export type TestContactInput = z.input<typeof TestContactInput>;

/** Channels a test can be sent on, and the address each needs: push needs a device and webhook reaches a partner, so neither has a test. */
export const testChannels = { sms: 'phone', voice: 'phone', email: 'email' } as const satisfies Partial<Record<Channel, 'phone' | 'email'>>;
export type TestChannel = keyof typeof testChannels;

export const isTestChannel = (ch: Channel): ch is TestChannel => ch in testChannels;
