/**
 * Whether a parsed JSON value nests at most `max` levels of arrays and
 * objects (a scalar is 0 levels, `{ "a": [1] }` is 2). Walks with a stack of
 * its own, so a value nested 100,000 deep is answered, not a stack overflow.
 */
export function nestsAtMost(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [v, depth] = top;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return true;
}
