import { procedure, router } from '../init';
import { policyAudit } from '../auditing';
import { ContactPolicy } from '../../../shared/policy/policy';

export const policyRouter = router({
  get: procedure('viewer').query(({ ctx }) => ctx.services.workspace.getPolicy()),
  set: procedure('admin', policyAudit)
    .input(ContactPolicy)
    .mutation(({ ctx, input }) => ctx.services.workspace.setPolicy(input)),
});
