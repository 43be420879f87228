import { z } from 'zod';
import { normalizePhone } from '../contacts/phone';

/**
 * Who may do what. Every signed-in user may read (the viewer's rights); each
 * other role adds its own rights, and admin holds them all. The server checks
 * these on every procedure; the client reads the same table only to hide what
 * the server would refuse.
 */
export const roles = ['viewer', 'analyst', 'copywriter', 'operator', 'approver', 'agent', 'admin'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const roleInfo: Record<Role, { label: string; may: string }> = {
  viewer: { label: 'Viewer', may: 'read journeys, templates and numbers; phone numbers masked' },
  analyst: { label: 'Analyst', may: 'contact timelines with full phone numbers, the outbox, exports, the audit log' },
  copywriter: { label: 'Copywriter', may: 'edit templates and variants; request approval of a template version' },
  operator: { label: 'Operator', may: 'edit journeys and segments, request publish, pause and resume' },
  approver: { label: 'Approver', may: 'approve or reject requests made by someone else' },
  agent: { label: 'Agent', may: 'work the call queue: claim a call, see the phone number of the contact they call, record the outcome' },
  admin: { label: 'Admin', may: 'everything: users, contact policy, channel providers, the write key' },
};

/** Does a user holding `held` have the rights of `needed`? Every user is a viewer; admin is everyone. */
export function hasRole(held: readonly Role[], needed: Role): boolean {
  return needed === 'viewer' || held.includes('admin') || held.includes(needed);
}

/** Full phone numbers and other personal data: analysts and admins. */
export const seesPii = (held: readonly Role[]): boolean => hasRole(held, 'analyst');

/**
 * A phone number as a viewer sees it: three digits after any country code and
 * the last four, the rest starred (13800010001 → 138****0001, +8613800010001 →
 * +86138****0001). China's +86 is the one country code told apart; elsewhere
 * the first three digits stay, code and all.
 */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  // as typed in a trait: "+86 138-0001-0001", "(010) 1234 5678"; the stored column is already bare digits
  const m = /^(\+86|\+)?(\d+)$/.exec(normalizePhone(phone));
  if (!m) return phone.replace(/\d(?=\d{4})/g, '*');
  const [, cc = '', digits = ''] = m;
  const keep = digits.length > 7 ? 3 : 0;
  return `${cc}${digits.slice(0, keep)}${'*'.repeat(Math.max(0, digits.length - keep - 4))}${digits.slice(-4)}`;
}

export const loginPattern = /^[a-z0-9][a-z0-9._@-]{1,63}$/;
export const Login = z.string().trim().toLowerCase().regex(loginPattern, 'a login is 2–64 characters: lower-case letters, digits, and . _ @ -');
export const passwordMin = 10;
export const Password = z.string().min(passwordMin, `a password needs at least ${passwordMin} characters`).max(200, 'a password has at most 200 characters');
