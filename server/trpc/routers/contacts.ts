import { z } from 'zod';
import { procedure, router } from '../init';
import { seesPii } from '../../../shared/auth/roles';

const byExternalId = z.object({ externalId: z.string().min(1, 'externalId is required') });

export const contactsRouter = router({
  get: procedure('viewer')
    .input(byExternalId)
    .query(({ ctx, input }) => ctx.services.contacts.get(input.externalId, { pii: seesPii(ctx.user.roles) })),
  timeline: procedure('viewer')
    .input(byExternalId.extend({ limit: z.number().int().min(1).max(1000).optional() }))
    .query(({ ctx, input }) => ctx.services.contacts.timeline(input.externalId, input.limit, { pii: seesPii(ctx.user.roles) })),
  /** Up to 20 contacts whose external id, phone or name starts with `q` (any case), in index order (a value typed in full first); an empty `q` lists the newest. */
  search: procedure('viewer')
    .input(z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(20).optional() }))
    .query(({ ctx, input }) => ctx.services.contactSearch.search(input, { pii: seesPii(ctx.user.roles) })),
});
