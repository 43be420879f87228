import { matchLocale } from '../i18n/locales';

/** The copy a message is rendered in, and the language the contact asked for when the template had no copy in it. */
export interface CopyChoice {
  locale: string;
  /** the contact's `locale` trait when the template has no copy in that language (the default copy went instead); null otherwise */
  fallback: string | null;
}

/**
 * Which of a template's copies a contact gets: the language of its `locale`
 * trait ('en-US' reads as en, 'zh-Hans' as zh-CN) when the template has copy
 * in it, else the template's default copy. A contact with no locale trait
 * gets the default and is no fallback; one whose language the template lacks
 * is, so the fallbacks can be counted.
 */
export function pickCopy(defaultLocale: string, otherLocales: Iterable<string>, wanted: unknown): CopyChoice {
  if (typeof wanted !== 'string' || wanted.trim() === '') return { locale: defaultLocale, fallback: null };
  const asked = matchLocale(wanted.trim());
  if (asked === defaultLocale) return { locale: defaultLocale, fallback: null };
  for (const l of otherLocales) if (l === asked) return { locale: l, fallback: null };
  return { locale: defaultLocale, fallback: asked ?? wanted.trim().slice(0, 35) };
}
