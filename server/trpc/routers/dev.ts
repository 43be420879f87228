import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { publicProcedure, router } from '../init';

/** Only mounted when the server runs with CLOCK=fake (see root.ts). */
const fake = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.services.simulation) throw new TRPCError({ code: 'NOT_FOUND', message: 'dev procedures exist only with CLOCK=fake' });
  return next({ ctx: { simulation: ctx.services.simulation } });
});

export const devRouter = router({
  now: fake.query(({ ctx }) => ({ now: ctx.simulation.now() })),
  advanceClock: fake
    .input(z.object({ ms: z.number().int('ms must be a whole number').min(0, 'ms must be ≥ 0').max(366 * 24 * 3600 * 1000, 'at most a year at a time') }))
    .mutation(({ ctx, input }) => ctx.simulation.advance(input.ms)),
});
