import { z } from 'zod';
import { publicProcedure, router } from '../init';
import { JourneyGraph } from '../../../shared/journey/graph';

const byId = z.object({ id: z.string().min(1, 'id is required') });

export const journeysRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.services.journeys.list()),
  get: publicProcedure.input(byId).query(({ ctx, input }) => ctx.services.journeys.get(input.id)),
  blueprints: publicProcedure.query(({ ctx }) => ctx.services.journeys.blueprints()),
  create: publicProcedure
    .input(z.object({ name: z.string().max(120).optional(), blueprint: z.string().optional() }))
    .mutation(({ ctx, input }) => ctx.services.journeys.create(input, ctx.actor)),
  rename: publicProcedure
    .input(byId.extend({ name: z.string().trim().min(1, 'name is required').max(120, 'name is longer than 120 characters') }))
    .mutation(({ ctx, input }) => ctx.services.journeys.rename(input.id, input.name, ctx.actor)),
  saveDraft: publicProcedure
    .input(byId.extend({ graph: JourneyGraph }))
    .mutation(({ ctx, input }) => ctx.services.journeys.saveDraft(input.id, input.graph, ctx.actor)),
  publish: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.journeys.publish(input.id, ctx.actor)),
  // archive is the delete: there is no journeys.delete
  pause: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.journeys.pause(input.id, ctx.actor)),
  resume: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.journeys.resume(input.id, ctx.actor)),
  archive: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.journeys.archive(input.id, ctx.actor)),
});
