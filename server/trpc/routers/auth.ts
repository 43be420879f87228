import { z } from 'zod';
import { procedure, router } from '../init';
import { Password } from '../../../shared/auth/roles';
import { Locale } from '../../../shared/i18n/locales';

/** The signed-in user. Signing in and out are plain HTTP routes (POST /auth/sign-in, /auth/sign-out) that set the cookie. */
export const authRouter = router({
  me: procedure('viewer').query(({ ctx }) => {
    const { id, login, displayName, roles, locale } = ctx.user;
    return { id, login, displayName, roles, locale };
  }),
  /** the signed-in user's UI language (null: none chosen) */
  setLocale: procedure('viewer')
    .input(z.object({ locale: Locale.nullable() }))
    .mutation(({ ctx, input }) => ({ locale: ctx.services.users.setLocale(ctx.user.id, input.locale).locale })),
  changePassword: procedure('viewer', { objectType: 'user', objectId: (_i, _r) => null })
    .input(z.object({ current: z.string().min(1, 'the current password is required'), password: Password }))
    .mutation(({ ctx, input }) => {
      ctx.services.users.changePassword(ctx.user.id, input.current, input.password, ctx.sessionId ?? null);
      return { ok: true as const };
    }),
});
