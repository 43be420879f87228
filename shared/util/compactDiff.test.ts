import { describe, expect, it } from 'vitest';
import { compactDiff, redacted } from './compactDiff';

describe('compactDiff: before → after, one entry per changed leaf', () => {
  it('is empty when nothing changed', () => {
    expect(compactDiff({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toEqual({});
    expect(compactDiff(null, null)).toEqual({});
  });

  it('names each changed leaf by its dotted path', () => {
    const before = { name: 'Recall', caps: { sms: { max: 2, windowHours: 24 } }, status: 'live' };
    const after = { name: 'Recall', caps: { sms: { max: 1, windowHours: 24 } }, status: 'paused' };
    expect(compactDiff(before, after)).toEqual({ 'caps.sms.max': [2, 1], status: ['live', 'paused'] });
  });

  it('shows an added or removed field against null', () => {
    expect(compactDiff({ a: 1 }, { a: 1, b: 'new' })).toEqual({ b: [null, 'new'] });
    expect(compactDiff({ a: 1, gone: true }, { a: 1 })).toEqual({ gone: [true, null] });
  });

  it('compares arrays whole', () => {
    expect(compactDiff({ roles: ['viewer'] }, { roles: ['viewer', 'operator'] })).toEqual({ roles: [['viewer'], ['viewer', 'operator']] });
    expect(compactDiff({ roles: ['a', 'b'] }, { roles: ['a', 'b'] })).toEqual({});
  });

  it('a whole object created or deleted is one "(value)" entry', () => {
    expect(compactDiff(null, { login: 'olga' })).toEqual({ '(value)': [null, { login: 'olga' }] });
    expect(compactDiff({ login: 'olga' }, null)).toEqual({ '(value)': [{ login: 'olga' }, null] });
  });

  it('walks only `depth` levels, then compares what is below whole', () => {
    const before = { a: { b: { c: { d: 1 } } } };
    const after = { a: { b: { c: { d: 2 } } } };
    expect(compactDiff(before, after)).toEqual({ 'a.b.c': [{ d: 1 }, { d: 2 }] });
    expect(compactDiff(before, after, 1)).toEqual({ a: [{ b: { c: { d: 1 } } }, { b: { c: { d: 2 } } }] });
  });

  it('shortens long values to their size', () => {
    const long = Array.from({ length: 100 }, (_, i) => `item-${i}`);
    const d = compactDiff({ list: [] }, { list: long, text: 'x'.repeat(300), obj: [{ ...Object.fromEntries(long.map((k) => [k, k])) }] }, 1);
    expect(d.list).toEqual([[], '[100 items]']);
    expect(d.text?.[0]).toBeNull();
    // a long string is cut as its JSON, opening quote and all, to 200 characters
    expect(d.text?.[1]).toBe(`"${'x'.repeat(199)}…`);
    expect(d.obj).toEqual([null, '[1 items]']);
    expect(compactDiff({ o: 1 }, { o: Object.fromEntries(long.map((k) => [k, k])) }, 1).o).toEqual([1, '{100 fields}']);
  });
});

describe('redacted: an input as the audit log keeps it', () => {
  it('stars passwords, secrets, tokens and keys, however deep', () => {
    expect(redacted({ login: 'olga', password: 'hunter2-hunter2', nested: { clientSecret: 's', apiToken: 't', writeKey: 'wk_1' } })).toEqual({
      login: 'olga',
      password: '***',
      nested: { clientSecret: '***', apiToken: '***', writeKey: '***' },
    });
    // auth.changePassword's present password is called `current`
    expect(redacted({ current: 'x', newPassword: 'y' })).toEqual({ current: '***', newPassword: '***' });
  });

  it('keeps `key` and `templateKey`: they name objects, they are not secrets', () => {
    expect(redacted({ key: 'recall_sms', templateKey: 'recall_call' })).toEqual({ key: 'recall_sms', templateKey: 'recall_call' });
  });

  it('shortens long arrays and strings', () => {
    expect(redacted({ ids: Array.from({ length: 21 }, (_, i) => i) })).toEqual({ ids: '[21 items]' });
    expect(redacted({ ids: [1, 2] })).toEqual({ ids: [1, 2] });
    expect(redacted('y'.repeat(250))).toBe(`"${'y'.repeat(199)}…`);
    expect(redacted(undefined)).toBeNull();
  });
});
