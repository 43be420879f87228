import { templateParts } from '../../shared/templates/meta';
import type { TemplateDraft } from '../../shared/templates/draft';

type Locale = TemplateDraft['locale'];

/**
 * The draft with copy in `locale` for every variant (`on`), starting empty, or
 * without it. Turning a language off and on again in one sitting brings back
 * nothing: the copy goes with the language.
 */
export function withLocale(d: TemplateDraft, locale: Locale, on: boolean): TemplateDraft {
  const others = (d.locales ?? []).filter((l) => l !== locale);
  const empty = Object.fromEntries(templateParts[d.channel].map((p) => [p, '']));
  return {
    ...d,
    locales: on ? [...others, locale] : others,
    variants: d.variants.map((v) => {
      const { [locale]: _dropped, ...rest } = v.locales ?? {};
      const locales = on ? { ...rest, [locale]: v.locales?.[locale] ?? { ...empty } } : rest;
      const { locales: _old, ...variant } = v;
      return Object.keys(locales).length ? { ...variant, locales } : variant;
    }),
  };
}

/**
 * A new default language: when the template already has copy in it, that copy
 * becomes the default and the old default moves to the other languages, so no
 * words are lost by the switch.
 */
export function withDefaultLocale(d: TemplateDraft, locale: Locale): TemplateDraft {
  if (locale === d.locale) return d;
  if (!(d.locales ?? []).includes(locale)) return { ...d, locale };
  const old = d.locale;
  return {
    ...d,
    locale,
    locales: [...(d.locales ?? []).filter((l) => l !== locale), old],
    variants: d.variants.map((v) => {
      const { [locale]: promoted = {}, ...rest } = v.locales ?? {};
      return { ...v, parts: { ...promoted }, locales: { ...rest, [old]: v.parts } };
    }),
  };
}
