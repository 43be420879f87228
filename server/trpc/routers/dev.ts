import { z } from 'zod';
import { procedure, router } from '../init';
import { refuse } from '../../services/errors';

/**
 * Only mounted when the server runs with CLOCK=fake (see root.ts), and like
 * everything else only for a signed-in user. Advancing drives the engine and
 * its providers asynchronously, so it is audited after it ends, not in a transaction.
 */
const fake = procedure('viewer', { objectType: 'clock', objectId: () => 'clock', outside: true }).use(({ ctx, next }) => {
  if (!ctx.services.simulation) throw refuse('NOT_FOUND', 'dev_only', {});
  return next({ ctx: { simulation: ctx.services.simulation } });
});

export const devRouter = router({
  now: fake.query(({ ctx }) => ({ now: ctx.simulation.now() })),
  advanceClock: fake
    .input(
      z.object({
        ms: z
          .number()
          .int('ms must be a whole number')
          .min(0, 'ms must be ≥ 0')
          .max(366 * 24 * 3600 * 1000, 'at most a year at a time'),
      }),
    )
    .mutation(({ ctx, input }) => ctx.simulation.advance(input.ms)),
});
