// a number's opening (+, a bracket, a digit) and the punctuation people type between its digits
const opening = String.raw`^\+?\(?[0-9]`;
const punctuation = /[ ().-]/g;

/** A phone number as people type it: digits, an optional leading +, and the usual spaces, dots, dashes and brackets. */
export const phonePattern = new RegExp(`${opening}[0-9 ().-]{4,24}$`);
/** The start of one, as typed into a search box. */
const phoneStart = new RegExp(`${opening}[0-9 ().-]*$`);

/**
 * One spelling per number, so the number an SDK sent ("+86 138-0000-0001"),
 * a CSV row and an SMS gateway ("+8613800000001") find the same contact: the
 * punctuation goes, a leading + stays. Anything that is not a phone number
 * comes back trimmed and otherwise as it was.
 */
export function normalizePhone(v: string): string {
  const t = v.trim();
  return phonePattern.test(t) ? t.replace(punctuation, '') : t;
}

/** The spellings a gateway may use for a normalized number: with and without its leading +. */
export const phoneSpellings = (normalized: string): string[] => (normalized.startsWith('+') ? [normalized, normalized.slice(1)] : [normalized, `+${normalized}`]);

/** The start of a number as someone types it into a search box ("+86 138-"), in the stored spelling; anything else as it was. */
export const phoneSearchPrefix = (q: string): string => (phoneStart.test(q) ? q.replace(punctuation, '') : q);
