/**
 * Before → after as `{ "a.b": [before, after] }`, one entry per changed leaf
 * (objects are walked to `depth` levels; arrays and deeper values are compared
 * whole and shown whole when short, else as a size). Empty when nothing changed.
 */
export type CompactDiff = Record<string, [unknown, unknown]>;

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const maxShown = 200;

function shown(v: unknown): unknown {
  if (v === undefined) return null;
  const json = JSON.stringify(v);
  if (json === undefined || json.length <= maxShown) return v;
  return Array.isArray(v) ? `[${v.length} items]` : isPlain(v) ? `{${Object.keys(v).length} fields}` : `${json.slice(0, maxShown)}…`;
}

export function compactDiff(before: unknown, after: unknown, depth = 3, path = '', out: CompactDiff = {}): CompactDiff {
  if (depth > 0 && isPlain(before) && isPlain(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) compactDiff(before[k], after[k], depth - 1, path ? `${path}.${k}` : k, out);
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out[path || '(value)'] = [shown(before), shown(after)];
  return out;
}

/** An input as the audit log keeps it: secrets starred, long values shortened. */
export function redacted(input: unknown, depth = 3): unknown {
  if (Array.isArray(input)) return input.length > 20 ? `[${input.length} items]` : input.map((x) => redacted(x, depth - 1));
  if (!isPlain(input)) return shown(input);
  if (depth <= 0) return shown(input);
  return Object.fromEntries(
    Object.entries(input).map(([k, v]) => [k, /password|secret|token|key$|^current$/i.test(k) && typeof v === 'string' && !/^(key|templateKey)$/.test(k) ? '***' : redacted(v, depth - 1)]),
  );
}
