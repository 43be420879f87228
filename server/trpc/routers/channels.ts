import { z } from 'zod';
import { procedure, router } from '../init';
import { messageStatuses } from '../../db/schema';

export const channelsRouter = router({
  outbox: procedure('analyst')
    .input(
      z
        .object({ journeyId: z.string().optional(), externalId: z.string().optional(), status: z.enum(messageStatuses).optional(), limit: z.number().int().min(1).max(5000).optional() })
        .default({}),
    )
    .query(({ ctx, input }) => ctx.services.outbox.list(input)),
});
