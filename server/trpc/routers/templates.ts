import { z } from 'zod';
import { publicProcedure, router } from '../init';

const TraitValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Read-only library templates for the editor's pickers and previews (the copywriting issue adds editing). */
export const templatesRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.services.templates.list()),
  preview: publicProcedure
    .input(
      z.object({
        key: z.string().min(1, 'key is required'),
        variant: z.string().min(1).optional(),
        externalId: z.string().min(1, 'externalId must not be empty').optional(),
        traits: z.record(z.string().min(1).max(64), TraitValue).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.templates.preview(input)),
});
