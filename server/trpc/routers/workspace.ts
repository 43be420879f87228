import { Locale } from '../../../shared/i18n/locales';
import { z } from 'zod';
import { procedure, router } from '../init';
import { hasRole } from '../../../shared/auth/roles';
import { workspaceAudit } from '../auditing';
import { defaultWriteKeyGraceHours } from '../../services/workspace';
import { maxHostLength, maxLinkHosts } from '../../../shared/templates/linkTargets';
import { UnitPrices } from '../../../shared/analytics/cost';

export const workspaceRouter = router({
  /** name, time zone, the four-eyes setting, and (to admins only) the write key the UI shows for SDK setup */
  get: procedure('viewer').query(({ ctx }) => {
    const { name, timezone, writeKey, approvals, previousWriteKeyExpiresAt, unitPrices, locale } = ctx.services.workspace.settings();
    const admin = hasRole(ctx.user.roles, 'admin');
    // the tracked-link allow-list: as set, the defaults an empty list means, and what applies (the template editor checks with it)
    const linkHosts = { set: ctx.services.workspace.settings().linkHosts, defaults: ctx.services.workspace.defaultLinkHosts(), effective: ctx.services.workspace.linkHosts() };
    return { name, timezone, clock: ctx.clock.kind, approvals, writeKey: admin ? writeKey : null, previousWriteKeyExpiresAt: admin ? previousWriteKeyExpiresAt : null, linkHosts, unitPrices, locale };
  }),
  /** a new write key; the old one keeps working for graceHours (default 24, 0 = stops at once) */
  rotateWriteKey: procedure('admin', workspaceAudit)
    .input(
      z
        .object({ graceHours: z.number().min(0, 'graceHours must be ≥ 0').max(720, 'graceHours is at most 720 (30 days)').default(defaultWriteKeyGraceHours) })
        .default({ graceHours: defaultWriteKeyGraceHours }),
    )
    .mutation(({ ctx, input }) => ctx.services.workspace.rotateWriteKey(input.graceHours, Date.now())),
  /** the hosts tracked links may point at; [] goes back to the hosts the shipped templates use */
  setLinkHosts: procedure('admin', workspaceAudit)
    .input(z.object({ hosts: z.array(z.string().max(maxHostLength, `a host name is at most ${maxHostLength} characters`)).max(maxLinkHosts, `at most ${maxLinkHosts} hosts`) }))
    .mutation(({ ctx, input }) => ctx.services.workspace.setLinkHosts(input.hosts)),
  /** yuan per billed unit per channel (an SMS part, a call, an email); a channel left out keeps its default */
  setUnitPrices: procedure('admin', workspaceAudit)
    .input(UnitPrices)
    .mutation(({ ctx, input }) => ctx.services.workspace.setUnitPrices(input)),
  /** the UI language for users who chose none and whose browser speaks none we do */
  setLocale: procedure('admin', workspaceAudit)
    .input(z.object({ locale: Locale }))
    .mutation(({ ctx, input }) => ctx.services.workspace.setLocale(input.locale)),
  setApprovals: procedure('admin', workspaceAudit)
    .input(z.object({ on: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.services.workspace.setApprovals(input.on)),
});
