import { DAY } from '../util/time';

/** How much a day since approval takes off a task's priority: a fresh approval is the likeliest to draw. */
export const priorityHalfLifeDays = 7;

/**
 * A call task's place in its queue, higher first: the approved amount (trait
 * `limit`, yuan), halved every `priorityHalfLifeDays` since the approval (the
 * latest `credit_granted` event). No amount counts as ¥1, so such tasks still
 * order by freshness. Pure: the facts and the clock come in.
 */
export function taskPriority(amount: unknown, approvedAt: number | null, now: number): number {
  const n = typeof amount === 'number' ? amount : typeof amount === 'string' ? Number(amount) : Number.NaN;
  const base = Number.isFinite(n) && n > 0 ? n : 1;
  const days = approvedAt === null ? 0 : Math.max(0, (now - approvedAt) / DAY);
  return Math.round(base * 0.5 ** (days / priorityHalfLifeDays) * 100) / 100;
}
