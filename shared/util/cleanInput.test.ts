import { describe, expect, it } from 'vitest';
import { cleanText, nestsDeeper } from './cleanInput';

describe('cleanText', () => {
  it('refuses NUL and lone surrogates, keeps any well-formed text', () => {
    expect(cleanText('还款提醒 🚀 ok')).toBe(true);
    expect(cleanText('a\u0000b')).toBe(false);
    expect(cleanText('a\ud800b')).toBe(false);
    expect(cleanText('a\udc00')).toBe(false);
  });
});

describe('nestsDeeper', () => {
  it('counts levels of arrays and objects, scalars none', () => {
    expect(nestsDeeper(1, 0)).toBe(false);
    expect(nestsDeeper({}, 0)).toBe(true);
    expect(nestsDeeper({}, 1)).toBe(false);
    expect(nestsDeeper({ a: [1] }, 1)).toBe(true);
    expect(nestsDeeper({ a: [1] }, 2)).toBe(false);
    expect(nestsDeeper([{ a: 1 }, [[2]]], 2)).toBe(true);
    expect(nestsDeeper([{ a: 1 }, [[2]]], 3)).toBe(false);
  });

  it('answers for a value nested 100,000 deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(nestsDeeper(deep, 32)).toBe(true);
  });
});
