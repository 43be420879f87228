import { z } from 'zod';

/** The languages the product speaks, the first being a new workspace's default (the product is built for China first). */
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];
export const Locale = z.enum(locales, { error: (i) => `the locale must be one of ${locales.join(', ')} (got ${JSON.stringify(i.input)})` });
export const defaultLocale: Locale = 'zh-CN';

/** The supported locale a BCP 47 tag asks for ('zh', 'zh-Hans-CN', 'zh-TW' → zh-CN; 'en-GB' → en), or null. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const lang = tag.toLowerCase().split(/[-_]/)[0];
  if (lang === 'zh') return 'zh-CN';
  if (lang === 'en') return 'en';
  return null;
}

/**
 * Which language to show: the user's saved setting, else the first of the
 * browser's languages we speak, else the workspace's default.
 */
export function resolveLocale(from: { saved?: string | null; browser?: readonly string[]; workspace?: string | null }): Locale {
  const saved = matchLocale(from.saved);
  if (saved) return saved;
  for (const tag of from.browser ?? []) {
    const l = matchLocale(tag);
    if (l) return l;
  }
  return matchLocale(from.workspace) ?? defaultLocale;
}
