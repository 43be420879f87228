import { z } from 'zod';

/**
 * What a drawn first loan is worth to the business, set once per workspace:
 * its average amount and the margin earned on it. With them, a channel's
 * attributed loans become revenue and its cost an ROI.
 */
export const RoiSettings = z.object({
  firstLoanValue: z.number().min(0, 'the average first loan is ¥0 or more').max(1_000_000, 'the average first loan is at most ¥1,000,000').meta({ title: 'Average first loan (¥)' }),
  margin: z.number().min(0, 'the margin is 0 % or more').max(1, 'the margin is at most 100 % (write 0.08 for 8 %)').meta({ title: 'Margin (0–1)' }),
});
export type RoiSettings = z.infer<typeof RoiSettings>;

/** Revenue of `loans` drawn and the ROI of `cost` spent to get them ((revenue − cost) / cost); nulls without settings, and no ROI without a cost. */
export function roiOf(cost: number, loans: number, s: RoiSettings | null): { revenue: number | null; roi: number | null } {
  if (!s) return { revenue: null, roi: null };
  const revenue = Math.round(loans * s.firstLoanValue * s.margin * 100) / 100;
  return { revenue, roi: cost > 0 ? (revenue - cost) / cost : null };
}
