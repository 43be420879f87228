import { z } from 'zod';
import { Locale, TemplateMetaBase, TemplateVariant, checkLocales, checkVariants, templateParts } from './meta';

/** The longest copy one part may hold: far beyond any SMS, enough for an email. */
export const MAX_PART_LENGTH = 20_000;

const Parts = z.record(z.string(), z.string().max(MAX_PART_LENGTH, `a part holds at most ${MAX_PART_LENGTH} characters`));

export const DraftVariant = TemplateVariant.extend({
  /** part → Handlebars source, in the template's own language */
  parts: Parts,
  /** the same parts in each of the template's other languages: locale → part → source */
  locales: z.partialRecord(Locale, Parts).optional(),
});
export type DraftVariant = z.infer<typeof DraftVariant>;

/**
 * A template as the editor sends it to be previewed or saved: the meta.json
 * fields and every variant's copy. The variables are not part of it: the
 * server reads them off the copy. Every variant carries exactly its
 * channel's parts.
 */
export const TemplateDraft = TemplateMetaBase.omit({ variables: true })
  .extend({
    /** the other languages every variant has copy in; absent: those the variants carry */
    locales: z.array(Locale).optional(),
    variants: z.array(DraftVariant).min(1, 'add at least one variant').max(10, 'at most 10 variants'),
  })
  .superRefine((t, ctx) => {
    const others: readonly string[] = t.locales ?? [...new Set(t.variants.flatMap((v) => Object.keys(v.locales ?? {})))];
    checkVariants(t.variants, ctx);
    checkLocales(t.locale, others, ctx);
    const parts: readonly string[] = templateParts[t.channel];
    const checkParts = (copy: Record<string, string>, path: (string | number)[], what: string) => {
      for (const p of parts) if (typeof copy[p] !== 'string') ctx.addIssue({ code: 'custom', path: [...path, p], message: `${what} needs its ${p}` });
      for (const p of Object.keys(copy)) if (!parts.includes(p)) ctx.addIssue({ code: 'custom', path: [...path, p], message: `${t.channel} has no part "${p}" (its parts: ${parts.join(', ')})` });
    };
    t.variants.forEach((v, i) => {
      checkParts(v.parts, ['variants', i, 'parts'], `variant "${v.key}"`);
      // every variant speaks every language the template lists, and no other: an A/B test compares like with like
      for (const l of others) {
        const copy = (v.locales as Partial<Record<string, Record<string, string>>> | undefined)?.[l];
        if (copy) checkParts(copy, ['variants', i, 'locales', l], `variant "${v.key}" in ${l}`);
        else ctx.addIssue({ code: 'custom', path: ['variants', i, 'locales', l], message: `variant "${v.key}" has no ${l} copy; the template lists ${l} among its languages` });
      }
      for (const l of Object.keys(v.locales ?? {}))
        if (!others.includes(l))
          ctx.addIssue({ code: 'custom', path: ['variants', i, 'locales', l], message: `variant "${v.key}" has ${l} copy, but the template does not list ${l} among its languages` });
    });
  });
export type TemplateDraft = z.infer<typeof TemplateDraft>;
