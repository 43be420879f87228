import { z } from 'zod';
import { publicProcedure, router } from '../init';

const byExternalId = z.object({ externalId: z.string().min(1, 'externalId is required') });

export const contactsRouter = router({
  get: publicProcedure.input(byExternalId).query(({ ctx, input }) => ctx.services.contacts.get(input.externalId)),
  timeline: publicProcedure
    .input(byExternalId.extend({ limit: z.number().int().min(1).max(1000).optional() }))
    .query(({ ctx, input }) => ctx.services.contacts.timeline(input.externalId, input.limit)),
  /** Up to 20 contacts whose external id, phone or name starts with `q` (any case), newest first. */
  search: publicProcedure
    .input(z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(20).optional() }))
    .query(({ ctx, input }) => ctx.services.contactSearch.search(input)),
});
