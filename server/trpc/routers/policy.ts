import { publicProcedure, router } from '../init';
import { ContactPolicy } from '../../../shared/policy/policy';

export const policyRouter = router({
  get: publicProcedure.query(({ ctx }) => ctx.services.workspace.getPolicy()),
  set: publicProcedure.input(ContactPolicy).mutation(({ ctx, input }) => ctx.services.workspace.setPolicy(input)),
});
