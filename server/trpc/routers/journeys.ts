import { z } from 'zod';
import { procedure, router } from '../init';
import { journeyAudit } from '../auditing';
import { JourneyGraph } from '../../../shared/journey/graph';

const byId = z.object({ id: z.string().min(1, 'id is required') });

export const journeysRouter = router({
  list: procedure('viewer').query(({ ctx }) => ctx.services.journeys.list()),
  get: procedure('viewer')
    .input(byId)
    .query(({ ctx, input }) => ctx.services.journeys.get(input.id)),
  blueprints: procedure('viewer').query(({ ctx }) => ctx.services.journeys.blueprints()),
  create: procedure('operator', journeyAudit)
    .input(z.object({ name: z.string().max(120).optional(), blueprint: z.string().optional() }))
    .mutation(({ ctx, input }) => ctx.services.journeys.create(input, ctx.actor)),
  rename: procedure('operator', journeyAudit)
    .input(byId.extend({ name: z.string().trim().min(1, 'name is required').max(120, 'name is longer than 120 characters') }))
    .mutation(({ ctx, input }) => ctx.services.journeys.rename(input.id, input.name, ctx.actor)),
  saveDraft: procedure('operator', journeyAudit)
    .input(byId.extend({ graph: JourneyGraph }))
    .mutation(({ ctx, input }) => ctx.services.journeys.saveDraft(input.id, input.graph, ctx.actor)),
  /** `{ version }` at once, or `{ request }` when four-eyes approval is on */
  publish: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.approvals.publishJourney(input.id, ctx.user)),
  // archive is the delete: there is no journeys.delete
  // pause is never gated by approval: an emergency stop
  pause: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.journeys.pause(input.id, ctx.actor)),
  resume: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.journeys.resume(input.id, ctx.actor)),
  archive: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.journeys.archive(input.id, ctx.actor)),
  /** "Resume after fixing": the engine works a journey it had marked errored again */
  clearError: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.journeys.clearError(input.id)),
});
