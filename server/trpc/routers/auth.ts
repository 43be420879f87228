import { z } from 'zod';
import { procedure, router } from '../init';
import { Password } from '../../../shared/auth/roles';

/** The signed-in user. Signing in and out are plain HTTP routes (POST /auth/sign-in, /auth/sign-out) that set the cookie. */
export const authRouter = router({
  me: procedure('viewer').query(({ ctx }) => {
    const { id, login, displayName, roles } = ctx.user;
    return { id, login, displayName, roles };
  }),
  changePassword: procedure('viewer', { objectType: 'user', objectId: (_i, _r) => null })
    .input(z.object({ current: z.string().min(1, 'the current password is required'), password: Password }))
    .mutation(({ ctx, input }) => {
      ctx.services.users.changePassword(ctx.user.id, input.current, input.password, ctx.sessionId ?? null);
      return { ok: true as const };
    }),
});
