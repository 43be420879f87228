import { describe, expect, it } from 'vitest';
import { nestsAtMost } from './jsonDepth';

describe('nestsAtMost', () => {
  it('counts levels of arrays and objects, scalars none', () => {
    expect(nestsAtMost(1, 0)).toBe(true);
    expect(nestsAtMost(null, 0)).toBe(true);
    expect(nestsAtMost({}, 0)).toBe(false);
    expect(nestsAtMost({}, 1)).toBe(true);
    expect(nestsAtMost({ a: [1] }, 1)).toBe(false);
    expect(nestsAtMost({ a: [1] }, 2)).toBe(true);
    expect(nestsAtMost([{ a: 1 }, [[2]]], 2)).toBe(false);
    expect(nestsAtMost([{ a: 1 }, [[2]]], 3)).toBe(true);
  });

  it('answers for a value nested 100,000 deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(nestsAtMost(deep, 32)).toBe(false);
    expect(nestsAtMost(deep, 100_000)).toBe(true);
  });
});
