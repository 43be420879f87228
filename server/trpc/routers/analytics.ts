import { z } from 'zod';
import { procedure, router } from '../init';
import type { AuditMeta } from '../auditing';
import { RoiSettings } from '../../../shared/analytics/roi';

/** A change of the ROI assumptions, in the audit log with its before and after. */
const roiAudit: AuditMeta = { objectType: 'workspace', objectId: () => 'roi', snapshot: (s) => s.roi.get() };

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD (UTC)');
const Range = z
  .object({
    journeyId: z.string().min(1, 'journeyId is required'),
    version: z.number().int().min(1).optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { error: 'from must not be after to', path: ['to'] });

/** Per-node numbers for the canvas overlay, a node's funnel, a journey's summary, and uplift over a holdout. */
export const analyticsRouter = router({
  journeyOverlay: procedure('viewer')
    .input(Range)
    .query(({ ctx, input }) => ctx.services.analytics.journeyOverlay(input)),
  nodeFunnel: procedure('viewer')
    .input(Range.and(z.object({ nodeId: z.string().min(1, 'nodeId is required') })))
    .query(({ ctx, input }) => ctx.services.analytics.nodeFunnel(input)),
  journeySummary: procedure('viewer')
    .input(Range)
    .query(({ ctx, input }) => ctx.services.analytics.journeySummary(input)),
  /** treated vs the holdout arm of a random split (the journey's first one without `nodeId`) */
  holdoutUplift: procedure('viewer')
    .input(Range.and(z.object({ nodeId: z.string().min(1, 'nodeId must not be empty').optional() })))
    .query(({ ctx, input }) => ctx.services.uplift.holdout(input)),
  /** entries, sends by channel, conversions and cost per day in the workspace's zone (from/to are its days here), of the journey or one node */
  journeyTrends: procedure('viewer')
    .input(Range.and(z.object({ nodeId: z.string().min(1, 'nodeId must not be empty').optional() })))
    .query(({ ctx, input }) => ctx.services.trends.journeyTrends(input)),
  /** the workspace's average first loan and margin for channel ROI; null until set */
  roiSettings: procedure('viewer').query(({ ctx }) => ctx.services.roi.get()),
  setRoiSettings: procedure('admin', roiAudit)
    .input(RoiSettings)
    .mutation(({ ctx, input }) => ctx.services.roi.set(input)),
  /** the journey's entrants outside vs inside the workspace's global control group; null without one */
  globalControlUplift: procedure('viewer')
    .input(Range)
    .query(({ ctx, input }) => ctx.services.uplift.globalControl(input)),
});
