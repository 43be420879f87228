import { z } from 'zod';
import { Channel, MessageCategory } from '../journey/channels';

/**
 * Message template metadata: what `templates/messages/<key>/meta.json` holds
 * and what the template editor edits. The copy itself lives beside it, one
 * Handlebars file per variant and part: `<variant>.<part>.hbs`.
 */

/** The parts a message of each channel is made of, in editor order. */
export const templateParts = {
  sms: ['body'],
  push: ['title', 'body'],
  voice: ['script'],
  email: ['subject', 'html'],
  webhook: ['json'],
  /** what the agent reads out and the points to make */
  agent_call: ['script'],
} as const satisfies Record<Channel, readonly string[]>;
export type TemplatePart = (typeof templateParts)[Channel][number];

/** File name of one variant's part, e.g. `a.body.hbs`; copy in another language than the template's own, e.g. `a.body.en.hbs`. */
export const partFileName = (variant: string, part: string, locale?: string): string => (locale ? `${variant}.${part}.${locale}.hbs` : `${variant}.${part}.hbs`);

export const locales = ['zh-CN', 'en'] as const;
export const Locale = z.enum(locales);
export type Locale = z.infer<typeof Locale>;

const keyPattern = /^[a-z][a-z0-9_]{0,63}$/;
const variantKeyPattern = /^[a-z][a-z0-9_]{0,31}$/;
/** A top-level name a template reads, e.g. `name`, `daily_rate`. */
const variablePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const TemplateVariant = z.object({
  /** stored on sends and clicks: keep it stable once a template is live */
  key: z.string().regex(variantKeyPattern, 'must be lower-case letters, digits or _, starting with a letter'),
  name: z.string().trim().min(1, 'name the variant').max(60),
  /** share of sends, in percent; a template's weights sum to 100 */
  weight: z.number().min(0).max(100),
});
export type TemplateVariant = z.infer<typeof TemplateVariant>;

/** The fields of a template's meta.json, before the cross-variant checks. */
export const TemplateMetaBase = z.object({
  key: z.string().regex(keyPattern, 'must be lower-case letters, digits or _, starting with a letter'),
  channel: Channel,
  name: z.string().trim().min(1, 'name the template').max(80),
  description: z.string().trim().max(500).default(''),
  /** marketing obeys quiet hours and caps and needs an opt-out line on SMS; transactional is for reminders */
  category: MessageCategory,
  /** the language of the default copy: what a contact gets when the template has no copy in the contact's own */
  locale: Locale,
  /** other languages every variant has copy in (the contact's `locale` trait picks one at send time) */
  locales: z.array(Locale).default([]),
  /** contact traits the copy reads, so previews can ask for them */
  variables: z.array(z.string().regex(variablePattern, 'must be a plain name such as daily_rate')).default([]),
  variants: z.array(TemplateVariant).min(1, 'add at least one variant').max(10),
});

/** Weights sum to 100 and variant keys are unique: the same rule for meta.json and for the editor's drafts. */
export function checkVariants(variants: readonly { key: string; weight: number }[], ctx: z.RefinementCtx): void {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(total - 100) > 1e-9) ctx.addIssue({ code: 'custom', path: ['variants'], message: `variant weights must sum to 100 (now ${Math.round(total * 100) / 100})` });
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    if (seen.has(v.key)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'key'], message: `variant key "${v.key}" is used twice` });
    seen.add(v.key);
  });
}

export const TemplateMeta = TemplateMetaBase.superRefine((m, ctx) => {
  checkVariants(m.variants, ctx);
  checkLocales(m.locale, m.locales, ctx);
});

/** The other languages are other than the default, each named once. */
export function checkLocales(locale: string, others: readonly string[], ctx: z.RefinementCtx): void {
  others.forEach((l, i) => {
    if (l === locale) ctx.addIssue({ code: 'custom', path: ['locales', i], message: `${l} is the template's own language; list only the other languages it has copy in` });
    if (others.indexOf(l) !== i) ctx.addIssue({ code: 'custom', path: ['locales', i], message: `${l} is listed twice` });
  });
}
export type TemplateMeta = z.infer<typeof TemplateMeta>;

/**
 * Marketing SMS must tell the reader how to opt out (carrier rules and our own
 * policy). Accepts the Chinese "回T退订" family and English "Reply T/STOP to opt out".
 */
const optOutPattern = /回\s*[A-Za-z]\s*(退订|拒收)|reply\s+(t|stop|td)\b.*\b(opt[- ]?out|unsubscribe)/i;

export function hasOptOutLine(text: string): boolean {
  return optOutPattern.test(text);
}
