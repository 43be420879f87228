/**
 * Text that names something (an id, an event, a trait, a journey): no NUL,
 * which SQLite and C strings cut at, and no lone UTF-16 surrogate, which is
 * not a character and cannot be written as UTF-8. Refused with a 400 naming
 * the field, wherever it comes in (ingestion, imports, the app's own calls).
 */
export const cleanText = (s: string): boolean => textProblem(s) === null;
// a high half not followed by a low one, or a low half not preceded by a high one (String#isWellFormed is ES2024)
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
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

/** What is wrong with a text (a NUL, a lone surrogate), or null: the words every refusal of one uses. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'holds a NUL character';
  if (loneSurrogate.test(s)) return 'holds a lone surrogate (text that is not valid Unicode)';
  return null;
}

/** A text in a value that is not `cleanText`: where it is (a key's path ends with the key), and what is wrong. */
export interface UncleanText {
  path: (string | number)[];
  message: string;
}

/**
 * The texts, values and keys, in a parsed JSON value that are not
 * `cleanText`, up to `max` of them, in the order met (an object's keys before
 * what they hold); none when all are clean. Each message names the field (its
 * last name on the path) or the key. Walks with a stack of its own, each entry
 * linked to its parent, so any depth is answered in time linear in the size.
 */
export function uncleanTexts(value: unknown, max = 20): UncleanText[] {
  interface At {
    v: unknown;
    key: string | number | null;
    parent: At | null;
  }
  const found: UncleanText[] = [];
  const pathOf = (at: At | null, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let a = at; a && a.key !== null; a = a.parent) path.push(a.key);
    return path.reverse();
  };
  const stack: At[] = [{ v: value, key: null, parent: null }];
  for (let at = stack.pop(); at && found.length < max; at = stack.pop()) {
    const v = at.v;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) {
        const path = pathOf(at);
        const field = [...path].reverse().find((p) => typeof p === 'string') ?? 'the input';
        found.push({ path, message: `${field} ${problem}` });
      }
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: at });
    } else if (v !== null && typeof v === 'object') {
      // a bad key is named, and what it holds is not walked; the clean ones' values go on the stack, first on top
      const clean: At[] = [];
      for (const [k, child] of Object.entries(v)) {
        const problem = textProblem(k);
        if (problem === null) clean.push({ v: child, key: k, parent: at });
        else if (found.length < max) found.push({ path: pathOf(at, k), message: `the key ${JSON.stringify(k)} ${problem}` });
      }
      stack.push(...clean.reverse());
    }
  }
  return found;
}
