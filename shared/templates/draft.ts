import { z } from 'zod';
import { TemplateMetaBase, TemplateVariant, checkVariants, templateParts } from './meta';

/** The longest copy one part may hold: far beyond any SMS, enough for an email. */
export const MAX_PART_LENGTH = 20_000;

export const DraftVariant = TemplateVariant.extend({
  /** part → Handlebars source */
  parts: z.record(z.string(), z.string().max(MAX_PART_LENGTH, `a part holds at most ${MAX_PART_LENGTH} characters`)),
});
export type DraftVariant = z.infer<typeof DraftVariant>;

/**
 * A template as the editor sends it to be previewed or saved: the meta.json
 * fields and every variant's copy. The variables are not part of it: the
 * server reads them off the copy. Every variant carries exactly its
 * channel's parts.
 */
export const TemplateDraft = TemplateMetaBase.omit({ variables: true })
  .extend({ variants: z.array(DraftVariant).min(1, 'add at least one variant').max(10, 'at most 10 variants') })
  .superRefine((t, ctx) => {
    checkVariants(t.variants, ctx);
    const parts: readonly string[] = templateParts[t.channel];
    t.variants.forEach((v, i) => {
      for (const p of parts) if (typeof v.parts[p] !== 'string') ctx.addIssue({ code: 'custom', path: ['variants', i, 'parts', p], message: `variant "${v.key}" needs its ${p}` });
      for (const p of Object.keys(v.parts))
        if (!parts.includes(p)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'parts', p], message: `${t.channel} has no part "${p}" (its parts: ${parts.join(', ')})` });
    });
  });
export type TemplateDraft = z.infer<typeof TemplateDraft>;
