import { z } from 'zod';
import { procedure, router } from '../init';
import { seesPii } from '../../../shared/auth/roles';

/** Sleeping contacts (server/sleeping/): how many, and who, newest asleep first; phones masked unless the reader sees PII. */
export const sleepingRouter = router({
  count: procedure('viewer').query(({ ctx }) => ({ sleeping: ctx.services.sleeping.count() })),
  list: procedure('viewer')
    .input(z.object({ limit: z.number().int().min(1, 'limit must be at least 1').max(200, 'limit is at most 200').default(50) }))
    .query(({ ctx, input }) => ctx.services.sleeping.list(input.limit, { pii: seesPii(ctx.user.roles) })),
});
