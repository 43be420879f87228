import { z } from 'zod';
import { procedure, router } from '../init';
import { segmentAudit } from '../auditing';
import { SegmentRules } from '../../../shared/segments/rules';
import { maxPreviewSample } from '../../segments/previewScan';

const key = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'key must be lower-case letters, digits or _, starting with a letter');

export const segmentsRouter = router({
  list: procedure('viewer').query(({ ctx }) => ctx.services.segments.list()),
  get: procedure('viewer')
    .input(z.object({ key }))
    .query(({ ctx, input }) => ctx.services.segments.get(input.key)),
  save: procedure('operator', segmentAudit)
    .input(z.object({ key, name: z.string().trim().min(1, 'name is required').max(120), description: z.string().max(500).optional(), rules: SegmentRules }))
    .mutation(({ ctx, input }) => ctx.services.segments.save(input)),
  /** `{ count, capped, scanned, sample }`: a capped count is a lower bound, reached within the preview's time budget */
  preview: procedure('viewer')
    .input(z.object({ rules: SegmentRules, sample: z.number().int().min(0).max(maxPreviewSample).optional() }))
    .query(({ ctx, input }) => ctx.services.segments.preview(input.rules, input.sample)),
});
