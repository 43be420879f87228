import { describe, expect, it } from 'vitest';
import { Call } from './calls';
import { quickTrack } from './quickCall';

const sdkTrack = {
  type: 'track',
  userId: 'u1',
  event: 'app_open',
  properties: { screen: 'home', n: 2, nested: { a: [1, { b: null }] } },
  messageId: 'ajs-1f3c',
  timestamp: '2026-11-02T02:00:00.000Z',
  sentAt: '2026-11-02T02:00:01+08:00',
  context: { library: { name: 'analytics.js' }, timezone: 'Asia/Shanghai' },
  integrations: { All: true },
  _metadata: { bundled: ['Segment.io'] },
  writeKey: 'ignored',
};
const deep = (n: number): unknown => (n === 0 ? 1 : { x: deep(n - 1) });
const long = 'x'.repeat(201);

/** Bodies around the edges of what `Call` accepts; each is checked both ways. Zod accepts a few that the quick check leaves to it (`toZod`). */
const toZod = new Set(['numeric userId', 'a __proto__ property', 'an identify']);
const cases: [string, Record<string, unknown>][] = [
  ['an SDK track', sdkTrack],
  ['a bare track', { type: 'track', userId: 'u1', event: 'e' }],
  ['anonymous only', { type: 'track', anonymousId: ' dev-1 ', event: ' e ' }],
  ['null userId with an anonymousId', { type: 'track', userId: null, anonymousId: 'dev-1', event: 'e' }],
  ['no id', { type: 'track', event: 'e' }],
  ['null ids', { type: 'track', userId: null, anonymousId: null, event: 'e' }],
  ['blank userId', { type: 'track', userId: '   ', event: 'e' }],
  ['blank userId, an anonymousId', { type: 'track', userId: '', anonymousId: 'a', event: 'e' }],
  ['numeric userId', { type: 'track', userId: 42, event: 'e' }],
  ['fractional userId', { type: 'track', userId: 4.2, event: 'e' }],
  ['userId of 200 after trimming', { type: 'track', userId: ` ${'u'.repeat(200)} `, event: 'e' }],
  ['userId of 201', { type: 'track', userId: long, event: 'e' }],
  ['userId with NUL', { type: 'track', userId: 'u\u0000', event: 'e' }],
  ['userId with a lone surrogate', { type: 'track', userId: 'u\uD800', event: 'e' }],
  ['userId as an object', { type: 'track', userId: { id: 1 }, event: 'e' }],
  ['no event', { type: 'track', userId: 'u1' }],
  ['blank event', { type: 'track', userId: 'u1', event: ' ' }],
  ['null event', { type: 'track', userId: 'u1', event: null }],
  ['event of 201', { type: 'track', userId: 'u1', event: long }],
  ['event with NUL', { type: 'track', userId: 'u1', event: 'e\u0000' }],
  ['blank messageId', { type: 'track', userId: 'u1', event: 'e', messageId: ' ' }],
  ['null messageId', { type: 'track', userId: 'u1', event: 'e', messageId: null }],
  ['numeric messageId', { type: 'track', userId: 'u1', event: 'e', messageId: 7 }],
  ['padded messageId', { type: 'track', userId: 'u1', event: 'e', messageId: ' m1 ' }],
  ['bad timestamp', { type: 'track', userId: 'u1', event: 'e', timestamp: 'yesterday' }],
  ['timestamp without offset', { type: 'track', userId: 'u1', event: 'e', timestamp: '2026-11-02T02:00:00' }],
  ['null timestamp', { type: 'track', userId: 'u1', event: 'e', timestamp: null }],
  ['numeric originalTimestamp', { type: 'track', userId: 'u1', event: 'e', originalTimestamp: 1 }],
  ['properties an array', { type: 'track', userId: 'u1', event: 'e', properties: [1] }],
  ['properties null', { type: 'track', userId: 'u1', event: 'e', properties: null }],
  ['properties a string', { type: 'track', userId: 'u1', event: 'e', properties: 'x' }],
  ['a property key with NUL', { type: 'track', userId: 'u1', event: 'e', properties: { 'a\u0000': 1 } }],
  ['a context key with NUL', { type: 'track', userId: 'u1', event: 'e', context: { 'a\u0000': 1 } }],
  ['properties 32 deep', { type: 'track', userId: 'u1', event: 'e', properties: deep(31) }],
  ['properties 33 deep', { type: 'track', userId: 'u1', event: 'e', properties: deep(33) }],
  ['context too deep', { type: 'track', userId: 'u1', event: 'e', context: deep(40) }],
  ['a __proto__ property', { type: 'track', userId: 'u1', event: 'e', properties: JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as Record<string, unknown> }],
  ['a constructor property', { type: 'track', userId: 'u1', event: 'e', properties: { constructor: 'x' } }],
  ['an identify', { type: 'identify', userId: 'u1', traits: {} }],
  ['no type', { userId: 'u1', event: 'e' }],
];

describe('the quick track check', () => {
  it.each(cases)('agrees with zod: %s', (name, body) => {
    const quick = quickTrack(body, null);
    const byZod = Call.safeParse(body);
    // what it takes, it makes as zod would; what zod takes, it takes too, but for the few it leaves to zod
    if (quick !== undefined) {
      expect(quick).toStrictEqual(byZod.success ? byZod.data : 'refused by zod');
      // toStrictEqual overlooks a prototype that a copied __proto__ key would set
      for (const v of Object.values(quick)) if (typeof v === 'object' && v !== null) expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    } else expect(byZod.success && !toZod.has(name) ? 'accepted by zod' : 'left to zod').toBe('left to zod');
  });

  it('agrees with zod when the route gives the type (/v1/track)', () => {
    for (const [, body] of cases) {
      const quick = quickTrack(body, 'track');
      const byZod = Call.safeParse({ ...body, type: 'track' });
      if (quick !== undefined) expect(quick).toStrictEqual(byZod.success ? byZod.data : 'refused by zod');
    }
  });

  it('takes the SDK’s track calls itself, and leaves every other type to zod', () => {
    expect(quickTrack(sdkTrack, null)).toBeDefined();
    expect(quickTrack({ userId: 'u1', event: 'e' }, 'track')).toBeDefined();
    expect(quickTrack({ type: 'track', userId: 'u1', event: 'e' }, 'page')).toBeUndefined();
  });
});
