/**
 * How message ids are written, so a scan of the source finds every one
 * (client/i18n/catalogue.test.ts): always a static string, as
 * - t(…) (useT) or msg(…) (an id used indirectly, e.g. from a map keyed by a code),
 * - formatMessage({ id: … }) / <FormattedMessage id=… /> (react-intl's own),
 * - `titleKey`, `descriptionKey`, `labelKey`, `messageKey` in the shared registry's metadata, summaries and zod schema `.meta()`.
 */
const patterns = [
  /(?<![\w.])(?:t|msg)\(\s*['"]([^'"\n]+)['"]/g,
  /formatMessage\(\s*\{\s*id:\s*['"]([^'"\n]+)['"]/g,
  /<FormattedMessage\s+id=["']([^'"\n]+)["']/g,
  /\b(?:titleKey|descriptionKey|labelKey|messageKey)\s*:\s*['"]([^'"\n]+)['"]/g,
];

/** The message ids a source text uses. */
export function messageIdsIn(source: string): string[] {
  const ids = new Set<string>();
  for (const p of patterns) for (const m of source.matchAll(p)) if (m[1]) ids.add(m[1]);
  return [...ids];
}

/** Marks a static message id that code looks up indirectly (`t(labels[code])`), so the catalogue test sees it used. */
export const msg = <T extends string>(id: T): T => id;
