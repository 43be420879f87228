/** Exhaustiveness guard: every `switch` on a discriminant ends here. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}
