import { describe, expect, it } from 'vitest';
import { cleanText, nestsDeeper, uncleanTexts } from './cleanInput';

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

describe('uncleanTexts', () => {
  it('names each string value or key that is not clean, at its path, in the order met', () => {
    expect(uncleanTexts({ name: '逾期提醒 🚀', tags: ['a', 'b'], n: 1, x: null })).toEqual([]);
    expect(uncleanTexts({ name: 'ok', graph: { nodes: [{ title: 'fine' }, { title: 'bad\u0000' }] } })).toEqual([{ path: ['graph', 'nodes', 1, 'title'], message: 'title holds a NUL character' }]);
    expect(uncleanTexts({ config: { 'bad\ud800key': { deeper: 'x\u0000' } }, values: ['ok', 'y\udc00'] })).toEqual([
      { path: ['config', 'bad\ud800key'], message: 'the key "bad\\ud800key" holds a lone surrogate (text that is not valid Unicode)' },
      { path: ['values', 1], message: 'values holds a lone surrogate (text that is not valid Unicode)' },
    ]);
    expect(uncleanTexts('top\u0000')).toEqual([{ path: [], message: 'the input holds a NUL character' }]);
  });

  it('stops at `max`, and walks a value nested 100,000 deep without overflowing the stack', () => {
    expect(
      uncleanTexts(
        Array.from({ length: 50 }, () => '\u0000'),
        20,
      ),
    ).toHaveLength(20);
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`) as unknown;
    expect(uncleanTexts(deep)[0]?.path).toHaveLength(100_000);
  });
});
