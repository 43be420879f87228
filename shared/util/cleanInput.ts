/**
 * Text that names something (an id, an event, a trait, a journey): no NUL,
 * which SQLite and C strings cut at, and no lone UTF-16 surrogate, which is
 * not a character and cannot be written as UTF-8. Refused with a 400 naming
 * the field, wherever it comes in (ingestion, imports, the app's own calls).
 */
export const cleanText = (s: string): boolean => !s.includes('\u0000') && !loneSurrogate.test(s);
// a high half not followed by a low one, or a low half not preceded by a high one (String#isWellFormed is ES2024)
export const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const cleanTextMessage = 'must not contain NUL (\\u0000) or a lone surrogate';

/**
 * Whether a parsed JSON value nests objects/arrays more than `max` levels
 * deep (a scalar is 0 levels, `{ "a": [1] }` 2). It stops at the limit, so it
 * cannot overflow the stack, however deep the value.
 */
export function nestsDeeper(v: unknown, max: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  return max <= 0 || Object.values(v).some((x) => nestsDeeper(x, max - 1));
}
