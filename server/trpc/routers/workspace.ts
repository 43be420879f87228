import { publicProcedure, router } from '../init';

export const workspaceRouter = router({
  /** name, time zone and the write key the UI shows for SDK setup */
  get: publicProcedure.query(({ ctx }) => {
    const { name, timezone, writeKey } = ctx.services.workspace.settings();
    return { name, timezone, writeKey, clock: ctx.clock.kind };
  }),
});
