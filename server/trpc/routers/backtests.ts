import { z } from 'zod';
import { procedure, router } from '../init';
import type { AuditMeta } from '../auditing';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD (UTC)');
const journeyId = z.string().min(1, 'journeyId is required');

/** A backtest is recorded against its journey: the journey's audit trail says who replayed which window. */
const startAudit: AuditMeta = { objectType: 'journey', objectId: (input) => (typeof input?.journeyId === 'string' ? input.journeyId : null) };
const cancelAudit: AuditMeta = { objectType: 'backtest' };

/** Backtests of a journey's draft over past events: operators run and cancel them, everyone reads them. */
export const backtestsRouter = router({
  /** replay the draft (and the live version) over [from, to] (UTC days; the last 14 days by default) */
  start: procedure('operator', startAudit)
    .input(z.object({ journeyId, from: day.optional(), to: day.optional() }).refine((r) => !r.from || !r.to || r.from <= r.to, { error: 'from must not be after to', path: ['to'] }))
    .mutation(({ ctx, input }) => ctx.services.backtests.start(input, ctx.actor)),
  cancel: procedure('operator', cancelAudit)
    .input(z.object({ id: z.string().min(1, 'id is required') }))
    .mutation(({ ctx, input }) => ctx.services.backtests.cancel(input.id, ctx.actor)),
  get: procedure('viewer')
    .input(z.object({ id: z.string().min(1, 'id is required') }))
    .query(({ ctx, input }) => ctx.services.backtests.get(input.id)),
  /** the journey's newest backtest, running or ended, or null */
  latest: procedure('viewer')
    .input(z.object({ journeyId }))
    .query(({ ctx, input }) => ctx.services.backtests.latest(input.journeyId)),
});
