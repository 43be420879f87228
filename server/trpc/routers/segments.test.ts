import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { rejection } from '../../testing/rejection';
import { loadSegments } from '../../library/loadLibrary';
import type { Call } from '../../ingest/calls';
import { DAY } from '../../../shared/util/time';
import type { RuleSet } from '../../../shared/segments/rules';
import { createSegmentService } from '../../services/segments';

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld();
});
afterEach(() => w.close());

/** The dotted paths of the input fields a BAD_REQUEST names. */
function issuePaths(e: TRPCError): string[] {
  expect(e.cause).toBeInstanceOf(ZodError);
  return e.cause instanceof ZodError ? e.cause.issues.map((i) => i.path.join('.')) : [];
}

const iso = (at: number) => new Date(at).toISOString();

const dormantAndroid: RuleSet = {
  match: 'all',
  conditions: [
    { type: 'trait', trait: 'os', op: 'eq', value: 'android' },
    { type: 'event', event: 'app_login', did: false, withinDays: 7, filter: [] },
  ],
};

describe('segments router', () => {
  it('lists the library segments from templates/segments/, by name', async () => {
    const library = loadSegments();
    expect(library.length).toBeGreaterThan(0);
    const list = await w.caller.segments.list();
    expect(list.map((s) => s.key)).toEqual([...library].sort((a, b) => a.name.localeCompare(b.name)).map((s) => s.key));
    for (const s of library) {
      const row = list.find((r) => r.key === s.key);
      expect(row).toMatchObject({ key: s.key, name: s.name, description: s.description, rules: s.rules, updatedAt: w.clock.now() });
    }
  });

  it('gets one segment, and NOT_FOUND names an unknown key', async () => {
    for (const s of loadSegments()) {
      const got = await w.caller.segments.get({ key: s.key });
      expect(got).toMatchObject({ key: s.key, name: s.name, description: s.description, rules: s.rules });
    }
    const e = await rejection(w.caller.segments.get({ key: 'no_such_segment' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('"no_such_segment"');
  });

  it('saves a new segment, then updates it in place', async () => {
    const before = await w.caller.segments.list();
    const created = await w.caller.segments.save({ key: 'dormant_android', name: '  Dormant Android  ', rules: dormantAndroid });
    expect(created).toMatchObject({ key: 'dormant_android', name: 'Dormant Android', description: '', rules: dormantAndroid, updatedAt: w.clock.now() });
    expect(await w.caller.segments.get({ key: 'dormant_android' })).toEqual(created);
    expect((await w.caller.segments.list()).map((s) => s.key).sort()).toEqual([...before.map((s) => s.key), 'dormant_android'].sort());

    w.clock.advance(DAY);
    const rules: RuleSet = { match: 'any', conditions: [{ type: 'registered', minDaysAgo: 90, maxDaysAgo: 180 }] };
    const updated = await w.caller.segments.save({ key: 'dormant_android', name: '6-month layer', description: '注册 3–6 个月', rules });
    expect(updated).toEqual({ key: 'dormant_android', name: '6-month layer', description: '注册 3–6 个月', rules, updatedAt: w.clock.now() });
    expect(updated.updatedAt).toBe(created.updatedAt + DAY);
    expect(await w.caller.segments.get({ key: 'dormant_android' })).toEqual(updated);
    expect(await w.caller.segments.list()).toHaveLength(before.length + 1);
  });

  it('fills in rule defaults when saving (did, filter, match, minDaysAgo)', async () => {
    const saved = await w.caller.segments.save({
      key: 'new_logins',
      name: 'New logins',
      rules: {
        conditions: [
          { type: 'event', event: 'app_login', withinDays: 7 },
          { type: 'registered', maxDaysAgo: 30 },
        ],
      },
    });
    expect(saved.rules).toEqual({
      match: 'all',
      conditions: [
        { type: 'event', event: 'app_login', did: true, withinDays: 7, filter: [] },
        { type: 'registered', minDaysAgo: 0, maxDaysAgo: 30 },
      ],
    });
  });

  it('rejects a bad key, an empty name or a bad rule with BAD_REQUEST, saving nothing', async () => {
    const before = await w.caller.segments.list();
    const good = { key: 'layer', name: 'Layer', rules: dormantAndroid };
    const cases: [unknown, string][] = [
      [{ ...good, key: 'Bad Key' }, 'key'],
      [{ ...good, key: '1st_layer' }, 'key'],
      [{ ...good, key: '' }, 'key'],
      [{ ...good, name: '   ' }, 'name'],
      [{ ...good, rules: { conditions: [{ type: 'registered', minDaysAgo: 90, maxDaysAgo: 90 }] } }, 'rules.conditions.0.minDaysAgo'],
      [{ ...good, rules: { conditions: [{ type: 'registered', minDaysAgo: 180, maxDaysAgo: 90 }] } }, 'rules.conditions.0.minDaysAgo'],
      [{ ...good, rules: { conditions: [{ type: 'event', event: 'app_login', withinDays: 0 }] } }, 'rules.conditions.0.withinDays'],
      [{ ...good, rules: { conditions: [{ type: 'trait', trait: 'os', op: 'like', value: 'a%' }] } }, 'rules.conditions.0.op'],
      [{ ...good, rules: { match: 'some', conditions: [] } }, 'rules.match'],
    ];
    for (const [input, path] of cases) {
      // deliberately malformed input, as a client could send it
      const e = await rejection(w.caller.segments.save(input as Parameters<typeof w.caller.segments.save>[0]));
      expect(e.code, JSON.stringify(input)).toBe('BAD_REQUEST');
      expect(issuePaths(e), JSON.stringify(input)).toContain(path);
    }
    expect(await w.caller.segments.list()).toEqual(before);
    expect((await rejection(w.caller.segments.get({ key: 'layer' }))).code).toBe('NOT_FOUND');
  });

  describe('preview', () => {
    /** 24 contacts registered on distinct days; every 4th on iOS; logged in 2 days ago, 20 days ago, or never. */
    const people = Array.from({ length: 24 }, (_, i) => ({
      userId: `u${i}`,
      os: i % 4 === 3 ? 'ios' : 'android',
      registeredDaysAgo: 3 + 5 * i,
      loginDaysAgo: [null, 2, 20][i % 3] ?? null,
    }));
    const dormant = people.filter((p) => p.os === 'android' && (p.loginDaysAgo === null || p.loginDaysAgo > 7));

    beforeEach(() => {
      const now = w.clock.now();
      const calls: Call[] = people.flatMap((p): Call[] => [
        { type: 'identify', userId: p.userId, traits: { os: p.os, registered_at: iso(now - p.registeredDaysAgo * DAY) } },
        ...(p.loginDaysAgo === null ? [] : [{ type: 'track', userId: p.userId, event: 'app_login', timestamp: iso(now - p.loginDaysAgo * DAY) } satisfies Call]),
      ]);
      expect(w.services.ingest.ingest(calls).accepted).toBe(calls.length);
    });

    it('counts every match and samples the newest registrations first, limited by `sample`', async () => {
      expect(dormant.length).toBeGreaterThan(10);
      const now = w.clock.now();
      const newestFirst = [...dormant].sort((a, b) => a.registeredDaysAgo - b.registeredDaysAgo);

      const r = await w.caller.segments.preview({ rules: dormantAndroid, sample: 5 });
      expect(r.count).toBe(dormant.length);
      expect(r.sample.map((s) => s.externalId)).toEqual(newestFirst.slice(0, 5).map((p) => p.userId));
      expect(r.sample.map((s) => s.registeredAt)).toEqual(newestFirst.slice(0, 5).map((p) => now - p.registeredDaysAgo * DAY));
      for (const s of r.sample) expect(s.traits).toMatchObject({ os: 'android' });

      // ten by default, everyone when the sample is large enough, nobody with 0 (the count stays)
      expect((await w.caller.segments.preview({ rules: dormantAndroid })).sample.map((s) => s.externalId)).toEqual(newestFirst.slice(0, 10).map((p) => p.userId));
      const all = await w.caller.segments.preview({ rules: dormantAndroid, sample: 100 });
      expect(all.sample.map((s) => s.externalId)).toEqual(newestFirst.map((p) => p.userId));
      // every contact read: the count is exact, not capped
      expect(await w.caller.segments.preview({ rules: dormantAndroid, sample: 0 })).toEqual({ count: dormant.length, capped: false, scanned: people.length, sample: [] });
    });

    it('counts everyone for an empty rule set and recounts as the clock moves', async () => {
      expect((await w.caller.segments.preview({ rules: { match: 'all', conditions: [] }, sample: 0 })).count).toBe(people.length);
      const within = (days: number) => people.filter((p) => p.os === 'android' && p.registeredDaysAgo < days);
      const recent: RuleSet = {
        match: 'all',
        conditions: [
          { type: 'trait', trait: 'os', op: 'eq', value: 'android' },
          { type: 'registered', minDaysAgo: 0, maxDaysAgo: 30 },
        ],
      };
      expect((await w.caller.segments.preview({ rules: recent })).count).toBe(within(30).length);
      w.clock.advance(10 * DAY);
      expect((await w.caller.segments.preview({ rules: recent })).count).toBe(within(20).length);
      expect(within(20).length).toBeLessThan(within(30).length);
    });

    it('a contact first seen without registered_at counts as registered when first seen, so it is the newest', async () => {
      w.clock.advance(DAY);
      w.services.ingest.ingest([{ type: 'identify', userId: 'walk_in', traits: { os: 'android' } }]);
      const r = await w.caller.segments.preview({ rules: dormantAndroid, sample: 2 });
      expect(r.count).toBe(dormant.length + 1);
      expect(r.sample[0]).toMatchObject({ externalId: 'walk_in', registeredAt: w.clock.now() });
    });

    it('stops at the time budget it was given and says the count is capped', async () => {
      const more: Call[] = Array.from({ length: 100 }, (_, i) => ({ type: 'identify', userId: `late${i}`, traits: { os: 'android' } }));
      w.services.ingest.ingest(more);
      // a clock that moves 10 ms a reading against a 1 ms budget: one slice of the newest 64 contacts, then stop
      let t = 0;
      const bounded = createSegmentService(w.db, w.clock, { budgetMs: 1, firstSlice: 64, timer: () => (t += 10) });
      const r = await bounded.preview(dormantAndroid, 3);
      expect(r).toMatchObject({ count: 64, capped: true, scanned: 64 });
      expect(r.sample).toHaveLength(3);
      // the same rules unbounded: every contact read
      expect(await w.caller.segments.preview({ rules: dormantAndroid, sample: 0 })).toMatchObject({ count: dormant.length + 100, capped: false, scanned: people.length + 100 });
      // and a bounded preview still refuses what save refuses
      await expect(bounded.preview({ match: 'all', conditions: [{ type: 'trait', trait: 'a\u0000b', op: 'exists' }] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('rejects a bad rule or sample size with BAD_REQUEST', async () => {
      const badRule = await rejection(w.caller.segments.preview({ rules: { match: 'all', conditions: [{ type: 'registered', minDaysAgo: 30, maxDaysAgo: 10 }] } }));
      expect(badRule.code).toBe('BAD_REQUEST');
      expect(issuePaths(badRule)).toContain('rules.conditions.0.minDaysAgo');
      const tooMany = await rejection(w.caller.segments.preview({ rules: dormantAndroid, sample: 101 }));
      expect(tooMany.code).toBe('BAD_REQUEST');
      expect(issuePaths(tooMany)).toContain('sample');
    });
  });
});
