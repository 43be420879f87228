import { z } from 'zod';
import { procedure, router } from '../init';
import { journeyAudit, journeyCopyAudit } from '../auditing';
import { JourneyGraph } from '../../../shared/journey/graph';

const byId = z.object({ id: z.string().min(1, 'id is required') });
const byVersion = byId.extend({ version: z.number().int().min(1, 'versions count from 1') });

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
  describe: procedure('operator', journeyAudit)
    .input(byId.extend({ description: z.string().trim().max(1000, 'description is longer than 1000 characters') }))
    .mutation(({ ctx, input }) => ctx.services.journeys.describe(input.id, input.description, ctx.actor)),
  /** a new draft journey with this one's draft and description; `{ id, name }` of the copy */
  duplicate: procedure('operator', journeyCopyAudit)
    .input(byId.extend({ name: z.string().max(120, 'name is longer than 120 characters').optional() }))
    .mutation(({ ctx, input }) => ctx.services.journeys.duplicate(input.id, input.name, ctx.actor)),
  /** one published version's graph, read-only */
  version: procedure('viewer')
    .input(byVersion)
    .query(({ ctx, input }) => ctx.services.journeys.version(input.id, input.version)),
  /**
   * What publishing the draft would do, from current data: audience and first entry, who is already in
   * other journeys or cannot be reached now, messages, SMS parts, call minutes and cost at most
   */
  forecast: procedure('viewer')
    .input(byId.extend({ enrolNow: z.boolean().default(false) }))
    .query(({ ctx, input }) => ctx.services.forecast.forecast(input.id, { enrolNow: input.enrolNow })),
  /** the version's graph becomes the draft (publish to make it live) */
  restoreVersion: procedure('operator', journeyAudit)
    .input(byVersion)
    .mutation(({ ctx, input }) => ctx.services.journeys.restoreVersion(input.id, input.version, ctx.actor)),
  saveDraft: procedure('operator', journeyAudit)
    .input(byId.extend({ graph: JourneyGraph }))
    .mutation(({ ctx, input }) => ctx.services.journeys.saveDraft(input.id, input.graph, ctx.actor)),
  /**
   * `{ version }` at once, or `{ request }` when four-eyes approval is on. A segment entry enrols at its
   * schedule's next time; `enrolNow` enrols its segment at once too (the choice goes with a request)
   */
  publish: procedure('operator', journeyAudit)
    .input(byId.extend({ enrolNow: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => ctx.services.approvals.publishJourney(input.id, ctx.user, { enrolNow: input.enrolNow })),
  // archive is the delete: there is no journeys.delete
  // pause is never gated by approval: an emergency stop
  pause: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.journeys.pause(input.id, ctx.actor)),
  /** timers that fell due during the pause go now ('continue', the default) or restart their waits from now ('skip') */
  resume: procedure('operator', journeyAudit)
    .input(byId.extend({ dueTimers: z.enum(['continue', 'skip']).default('continue') }))
    .mutation(({ ctx, input }) => ctx.services.journeys.resume(input.id, ctx.actor, input.dueTimers)),
  /** a paused journey's parked timers, and how many fell due during the pause: what the resume dialog warns about */
  dueOnResume: procedure('viewer')
    .input(byId)
    .query(({ ctx, input }) => ctx.services.journeys.dueOnResume(input.id)),
  archive: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.journeys.archive(input.id, ctx.actor)),
  /** "Resume after fixing": the engine works a journey it had marked errored again */
  clearError: procedure('operator', journeyAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.journeys.clearError(input.id)),
});
