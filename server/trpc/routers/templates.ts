import { z } from 'zod';
import { Locale } from '../../../shared/templates/meta';
import { procedure, router } from '../init';
import { templateAudit } from '../auditing';
import { TemplateDraft } from '../../../shared/templates/draft';

const TraitValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const key = z.string().min(1, 'key is required');

/** Message templates: the copywriters' page and the editor's pickers and previews. */
export const templatesRouter = router({
  list: procedure('viewer').query(({ ctx }) => ctx.services.templates.list()),
  knownVariables: procedure('viewer').query(({ ctx }) => ctx.services.templates.knownVariables()),
  get: procedure('viewer')
    .input(z.object({ key }))
    .query(({ ctx, input }) => ctx.services.templates.get(input.key)),
  check: procedure('viewer')
    .input(z.object({ draft: TemplateDraft }))
    .query(({ ctx, input }) => ctx.services.templates.check(input.draft)),
  /** a new version, or `{ request }` when it changes a template a live journey sends and four-eyes approval is on */
  save: procedure('copywriter', templateAudit)
    .input(z.object({ draft: TemplateDraft }))
    .mutation(({ ctx, input }) => ctx.services.approvals.saveTemplate(input.draft, ctx.user)),
  preview: procedure('viewer')
    .input(
      z
        .object({
          key: key.optional(),
          draft: TemplateDraft.optional(),
          variant: z.string().min(1).optional(),
          /** the language to render (default: the template's own) */
          locale: Locale.optional(),
          externalId: z.string().min(1, 'externalId must not be empty').optional(),
          traits: z.record(z.string().min(1).max(64), TraitValue).optional(),
          pricePerPart: z.number().min(0).max(100).optional(),
        })
        .refine((i) => i.key !== undefined || i.draft !== undefined, { error: 'give a template key or a draft', path: ['key'] }),
    )
    .query(({ ctx, input }) => ctx.services.templates.preview(input)),
  /** one version's results per variant (the current version without `version`) */
  stats: procedure('viewer')
    .input(z.object({ key, metric: z.enum(['clicks', 'conversions']).optional(), control: z.string().min(1).optional(), version: z.number().int().min(1, 'a version is 1 or more').optional() }))
    .query(({ ctx, input }) => ctx.services.templateStats.stats(input.key, input)),
  /** one version's sends and clicks per variant and language, and the contacts who got the default language instead of theirs */
  localeStats: procedure('viewer')
    .input(z.object({ key, version: z.number().int().min(1, 'a version is 1 or more').optional() }))
    .query(({ ctx, input }) => ctx.services.templateLocales.byLocale(input.key, input.version)),
  /** two versions side by side, with the difference in click and conversion rate */
  compareVersions: procedure('viewer')
    .input(z.object({ key, a: z.number().int().min(1, 'a version is 1 or more'), b: z.number().int().min(1, 'a version is 1 or more'), metric: z.enum(['clicks', 'conversions']).optional() }))
    .query(({ ctx, input }) => ctx.services.templateStats.compare(input.key, input.a, input.b, input.metric)),
  /** a version's variants per day in the workspace's zone: sends and click rate with its 95% band */
  daily: procedure('viewer')
    .input(
      z
        .object({
          key,
          version: z.number().int().min(1, 'a version is 1 or more').optional(),
          from: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD')
            .optional(),
          to: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD')
            .optional(),
        })
        .refine((r) => !r.from || !r.to || r.from <= r.to, { error: 'from must not be after to', path: ['to'] }),
    )
    .query(({ ctx, input }) => ctx.services.trends.templateTrends(input)),
  /** the journeys that send this template */
  usage: procedure('viewer')
    .input(z.object({ key }))
    .query(({ ctx, input }) => ctx.services.templateStats.usage(input.key)),
  promote: procedure('copywriter', templateAudit)
    .input(z.object({ key, variant: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.services.approvals.promoteVariant(input.key, input.variant, ctx.user)),
});
