import { z } from 'zod';
import { procedure, router } from '../init';
import { Password, Role } from '../../../shared/auth/roles';
import { NewUser } from '../../services/users';
import { userAudit } from '../auditing';

const byId = z.object({ id: z.string().min(1, 'id is required') });

/** Accounts, for admins: create, change roles and names, deactivate (ends sessions), reset passwords. */
export const usersRouter = router({
  list: procedure('admin').query(({ ctx }) => ctx.services.users.list()),
  create: procedure('admin', userAudit)
    .input(NewUser)
    .mutation(({ ctx, input }) => ctx.services.users.create(input)),
  update: procedure('admin', userAudit)
    .input(byId.extend({ displayName: z.string().trim().min(1).max(80).optional(), roles: z.array(Role).min(1, 'give the user at least one role').optional(), active: z.boolean().optional() }))
    .mutation(({ ctx, input: { id, ...change } }) => ctx.services.users.update(id, change)),
  resetPassword: procedure('admin', userAudit)
    .input(byId.extend({ password: Password }))
    .mutation(({ ctx, input }) => {
      ctx.services.users.setPassword(input.id, input.password);
      return { ok: true as const };
    }),
});
