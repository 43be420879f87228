import { z } from 'zod';
import { procedure, router } from '../init';

/** The audit log, newest first, filtered by who, what, which object and when. */
export const auditRouter = router({
  list: procedure('analyst')
    .input(
      z
        .object({
          actor: z.string().optional(),
          action: z.string().optional(),
          objectType: z.string().optional(),
          objectId: z.string().optional(),
          from: z.number().int().optional(),
          to: z.number().int().optional(),
          before: z.number().int().optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .default({}),
    )
    .query(({ ctx, input }) => ctx.services.audit.list(input)),
  facets: procedure('analyst').query(({ ctx }) => ctx.services.audit.facets()),
});
