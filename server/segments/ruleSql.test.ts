import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { openDatabase, type Db } from '../db/client';
import { contacts, events } from '../db/schema';
import { ruleSetSql, ruleSqlIssues } from './ruleSql';
import { evaluateRuleSet, type Profile, type ProfileEvent } from '../../shared/segments/evaluate';
import { comparisonOps, RuleSet, type Scalar } from '../../shared/segments/rules';
import { DAY } from '../../shared/util/time';

const NOW = Date.UTC(2026, 2, 2, 4, 0);

// ─── a real SQLite database, refilled for every case ───────────────────────

interface PersonEvent {
  name: string;
  at: number;
  properties: Record<string, unknown>;
}

interface Person {
  externalId?: string;
  traits: Record<string, unknown>;
  registeredAt: number | null;
  events: PersonEvent[];
}

let dir: string;
let db: Db;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rule-sql-test-'));
  db = openDatabase(join(dir, 'rules.db'));
});

afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Replace every contact and event with `people`. */
function seed(people: readonly Person[]): void {
  db.transaction((tx) => {
    tx.delete(events).run();
    tx.delete(contacts).run();
    for (const p of people) {
      const row = tx
        .insert(contacts)
        .values({ externalId: p.externalId ?? null, traits: p.traits, registeredAt: p.registeredAt, createdAt: NOW, updatedAt: NOW })
        .returning({ id: contacts.id })
        .get();
      for (const e of p.events) tx.insert(events).values({ contactId: row.id, name: e.name, properties: e.properties, at: e.at, receivedAt: NOW }).run();
    }
  });
}

/** Every contact's Profile as the runner loads it: the stored JSON, parsed back (see server/engine/batchContext.ts). */
function storedProfiles(): Map<number, Profile> {
  const c = db.$client;
  const out = new Map<number, Profile>();
  for (const r of c.prepare<[], { id: number; traits: string; registered_at: number | null }>('select id, traits, registered_at from contacts').all())
    out.set(r.id, { traits: JSON.parse(r.traits) as Record<string, unknown>, timezone: 'UTC', registeredAt: r.registered_at, events: [] });
  for (const e of c.prepare<[], { contact_id: number; name: string; at: number; properties: string }>('select contact_id, name, at, properties from events').all()) {
    const p = out.get(e.contact_id);
    if (p) (p.events as ProfileEvent[]).push({ name: e.name, at: e.at, properties: JSON.parse(e.properties) as Record<string, unknown> });
  }
  return out;
}

const bySql = (rules: RuleSet, now = NOW): number[] =>
  db
    .select({ id: contacts.id })
    .from(contacts)
    .where(ruleSetSql(rules, now))
    .all()
    .map((r) => r.id)
    .sort((a, b) => a - b);

const byEvaluator = (rules: RuleSet, now = NOW): number[] =>
  [...storedProfiles()]
    .filter(([, p]) => evaluateRuleSet(rules, p, now))
    .map(([id]) => id)
    .sort((a, b) => a - b);

/** External ids of the contacts the SQL selects, checked against the evaluator on the way. */
function members(rules: unknown, now = NOW): string[] {
  const parsed = RuleSet.parse(rules);
  const ids = bySql(parsed, now);
  expect(ids).toEqual(byEvaluator(parsed, now));
  const names = new Map(
    db
      .select({ id: contacts.id, externalId: contacts.externalId })
      .from(contacts)
      .all()
      .map((r) => [r.id, r.externalId]),
  );
  return ids.map((id) => names.get(id) ?? `#${id}`).sort();
}

// ─── generators ─────────────────────────────────────────────────────────────

/** Keys that need quoting in a JSON path, CJK, and plain ones. */
const keys = ['os', 'score', '城市', 'a.b', 'a', 'say "hi"', 'back\\slash', "it's", '$.x', 'flag'] as const;

/** Strings that look like numbers, booleans, JSON, SQL; CJK and full-width punctuation next to an emoji (UTF-8 vs UTF-16 order). */
const notableStrings = [
  'android',
  'ios',
  '',
  'a',
  'B',
  '3',
  '3.0',
  '0',
  '-0',
  '1e+21',
  '1.5e-7',
  '0.30000000000000004',
  'true',
  'false',
  'null',
  'a,b',
  '[object Object]',
  '{"k":1}',
  '北京',
  '北京市',
  '上海',
  '用户，你好',
  '😀',
  '\uFF01',
  "x' or 1=1 --",
];
const chars = fc.constantFrom('a', 'b', 'B', '3', '.', ' ', '"', "'", '\\', '北', '京', '，', '！', '\uFF01', '😀', 'é');
const text = fc.oneof(fc.constantFrom(...notableStrings), fc.string({ unit: chars, maxLength: 4 }));
const number = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(0.5, 0.1 + 0.2, 1.5e-7, 1e21, 2 ** 60, 2 ** 53 + 2, -0), fc.double({ noNaN: true, noDefaultInfinity: true }));
const scalar: fc.Arbitrary<Scalar> = fc.oneof(text, number, fc.boolean(), fc.constant(null));
/** What a contact's trait or an event's property may hold: mostly scalars, sometimes a list or an object. */
const stored: fc.Arbitrary<unknown> = fc.oneof({ weight: 8, arbitrary: scalar }, { weight: 1, arbitrary: fc.constantFrom<unknown>({ k: 1 }, { b: 1 }, ['a', 'b'], ['3'], [], {}) });
const doc = fc.array(fc.tuple(fc.constantFrom(...keys), stored), { maxLength: 5 }).map((kv) => Object.fromEntries(kv));

const windows = [1, 7, 30, 90, 180, 365];
/** An instant near NOW: random, or on a day boundary ± 1 ms; a few in the future. */
const instant = fc.oneof(
  fc.integer({ min: -2 * DAY, max: 400 * DAY }).map((ago) => NOW - ago),
  fc.tuple(fc.constantFrom(0, ...windows), fc.constantFrom(-1, 0, 1)).map(([d, e]) => NOW - d * DAY + e),
);
const eventNames = ['app_login', 'loan_drawn', '页面浏览'];
const person: fc.Arbitrary<Person> = fc.record({
  traits: doc,
  registeredAt: fc.option(instant, { nil: null }),
  events: fc.array(fc.record({ name: fc.constantFrom(...eventNames), at: instant, properties: doc }), { maxLength: 4 }),
});

const value = fc.option(fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }), { nil: undefined });
const comparison = fc.record({ op: fc.constantFrom(...comparisonOps), value });
const withValue = <T extends object>(c: T, v: Scalar | Scalar[] | undefined) => (v === undefined ? c : { ...c, value: v });

const traitCondition = fc.tuple(fc.constantFrom(...keys), comparison).map(([trait, { op, value: v }]) => withValue({ type: 'trait', trait, op }, v));
const eventCondition = fc.record({
  type: fc.constant('event'),
  event: fc.constantFrom(...eventNames),
  did: fc.boolean(),
  withinDays: fc.oneof(fc.constantFrom(...windows), fc.integer({ min: 1, max: 400 })),
  filter: fc.array(
    fc.tuple(fc.constantFrom(...keys), comparison).map(([property, { op, value: v }]) => withValue({ property, op }, v)),
    { maxLength: 2 },
  ),
});
const registeredCondition = fc
  .tuple(fc.oneof(fc.constantFrom(0, ...windows), fc.integer({ min: 0, max: 400 })), fc.oneof(fc.constantFrom(...windows), fc.integer({ min: 1, max: 400 })))
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => ({ type: 'registered', minDaysAgo: Math.min(a, b), maxDaysAgo: Math.max(a, b) }));
const ruleSet = fc
  .record({
    match: fc.constantFrom('all', 'any'),
    conditions: fc.array(fc.oneof(traitCondition, eventCondition, registeredCondition), { maxLength: 4 }),
  })
  .map((r) => RuleSet.parse(r));

// ─── the property ───────────────────────────────────────────────────────────

describe('ruleSetSql', () => {
  it('selects exactly the contacts the pure evaluator selects', () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 8 }), fc.array(ruleSet, { minLength: 1, maxLength: 3 }), (people, ruleSets) => {
        seed(people);
        for (const rules of ruleSets) expect(bySql(rules)).toEqual(byEvaluator(rules));
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it('the property is not vacuous: generated rule sets both select and reject contacts', () => {
    const seen = { selected: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 8 }), ruleSet, (people, rules) => {
        seed(people);
        const n = bySql(rules).length;
        seen.selected += n;
        seen.rejected += people.length - n;
      }),
      { numRuns: 100 },
    );
    expect(seen.selected).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
  });

  it('an empty rule set selects everyone', () => {
    seed([
      { externalId: 'a', traits: {}, registeredAt: null, events: [] },
      { externalId: 'b', traits: { os: 'ios' }, registeredAt: NOW, events: [] },
    ]);
    expect(members({})).toEqual(['a', 'b']);
  });

  // ─── examples ─────────────────────────────────────────────────────────────

  it('splits registrations into the 3 / 6 / 12-month layers, lower bound in, upper bound out', () => {
    const ages = [0, 10, 89, 90, 120, 179, 180, 200, 364, 365, 400];
    seed([
      ...ages.map((d) => ({ externalId: `d${d}`, traits: {}, registeredAt: NOW - d * DAY, events: [] })),
      { externalId: 'd90-1ms', traits: {}, registeredAt: NOW - 90 * DAY + 1, events: [] },
      { externalId: 'unknown', traits: {}, registeredAt: null, events: [] },
      { externalId: 'future', traits: {}, registeredAt: NOW + DAY, events: [] },
    ]);
    const layer = (minDaysAgo: number, maxDaysAgo: number) => members({ conditions: [{ type: 'registered', minDaysAgo, maxDaysAgo }] });
    expect(layer(0, 90)).toEqual(['d0', 'd10', 'd89', 'd90-1ms']);
    expect(layer(90, 180)).toEqual(['d120', 'd179', 'd90']);
    expect(layer(180, 365)).toEqual(['d180', 'd200', 'd364']);
  });

  it('"did not log in within 7 days": an old, future-stamped or other event does not count; exactly 7 days ago does', () => {
    const login = (daysAgo: number, properties: Record<string, unknown> = {}) => ({ name: 'app_login', at: NOW - daysAgo * DAY, properties });
    seed([
      { externalId: 'yesterday', traits: {}, registeredAt: null, events: [login(1)] },
      { externalId: 'exactly7', traits: {}, registeredAt: null, events: [login(7)] },
      { externalId: 'just-over-7', traits: {}, registeredAt: null, events: [{ ...login(7), at: NOW - 7 * DAY - 1 }] },
      { externalId: 'month-ago', traits: {}, registeredAt: null, events: [login(30)] },
      { externalId: 'future', traits: {}, registeredAt: null, events: [login(-1)] },
      { externalId: 'other-event', traits: {}, registeredAt: null, events: [{ name: 'loan_drawn', at: NOW - DAY, properties: {} }] },
      { externalId: 'never', traits: {}, registeredAt: null, events: [] },
    ]);
    expect(members({ conditions: [{ type: 'event', event: 'app_login', did: false, withinDays: 7 }] })).toEqual(['future', 'just-over-7', 'month-ago', 'never', 'other-event']);
    expect(members({ conditions: [{ type: 'event', event: 'app_login', did: true, withinDays: 7 }] })).toEqual(['exactly7', 'yesterday']);
  });

  it('event filters apply to the same event, not to any event of that name', () => {
    const step = (daysAgo: number, properties: Record<string, unknown>) => ({ name: 'credit_step_completed', at: NOW - daysAgo * DAY, properties });
    seed([
      { externalId: 'card-recent', traits: {}, registeredAt: null, events: [step(1, { step: 'bank_card', attempt: 2 })] },
      { externalId: 'card-old', traits: {}, registeredAt: null, events: [step(10, { step: 'bank_card', attempt: 2 }), step(1, { step: 'id_photo', attempt: 2 })] },
      { externalId: 'split', traits: {}, registeredAt: null, events: [step(1, { step: 'bank_card', attempt: 1 }), step(2, { step: 'id_photo', attempt: 3 })] },
    ]);
    const filter = [
      { property: 'step', op: 'eq', value: 'bank_card' },
      { property: 'attempt', op: 'gte', value: 2 },
    ];
    expect(members({ conditions: [{ type: 'event', event: 'credit_step_completed', withinDays: 3, filter }] })).toEqual(['card-recent']);
  });

  it('addresses keys holding a dot, a double quote, a backslash or a quote as one key, not a path', () => {
    seed([
      { externalId: 'dotted', traits: { 'a.b': 1 }, registeredAt: null, events: [] },
      { externalId: 'nested', traits: { a: { b: 1 } }, registeredAt: null, events: [] },
      { externalId: 'quoted', traits: { 'say "hi"': '你好' }, registeredAt: null, events: [] },
      { externalId: 'slashed', traits: { 'back\\slash': 'yes', "it's": 'yes' }, registeredAt: null, events: [] },
      { externalId: 'none', traits: { say: '你好', hi: '你好', back: 'yes' }, registeredAt: null, events: [] },
    ]);
    const trait = (t: string, op: string, v?: Scalar) => members({ conditions: [{ type: 'trait', trait: t, op, value: v }] });
    expect(trait('a.b', 'eq', 1)).toEqual(['dotted']);
    expect(trait('a.b', 'exists')).toEqual(['dotted']);
    expect(trait('say "hi"', 'eq', '你好')).toEqual(['quoted']);
    expect(trait('say "hi"', 'contains', '好')).toEqual(['quoted']);
    expect(trait('back\\slash', 'eq', 'yes')).toEqual(['slashed']);
    expect(trait("it's", 'exists')).toEqual(['slashed']);
  });

  it('compares Chinese text and numbers the way the evaluator does', () => {
    seed([
      { externalId: 'beijing', traits: { 城市: '北京市', score: 700 }, registeredAt: null, events: [] },
      { externalId: 'shanghai', traits: { 城市: '上海市', score: '700' }, registeredAt: null, events: [] },
      { externalId: 'tiny', traits: { 城市: null, score: 1.5e-7 }, registeredAt: null, events: [] },
      { externalId: 'approved', traits: { score: true }, registeredAt: null, events: [] },
    ]);
    const trait = (t: string, op: string, v?: Scalar | Scalar[]) => members({ conditions: [{ type: 'trait', trait: t, op, value: v }] });
    expect(trait('城市', 'contains', '北京')).toEqual(['beijing']);
    expect(trait('城市', 'in', ['上海市', '广州市'])).toEqual(['shanghai']);
    expect(trait('城市', 'not_exists')).toEqual(['approved', 'tiny']);
    // trait values arrive as strings (CSV) and as numbers (SDK): eq treats them alike, ordering only compares numbers
    expect(trait('score', 'eq', 700)).toEqual(['beijing', 'shanghai']);
    expect(trait('score', 'gte', 700)).toEqual(['beijing']);
    expect(trait('score', 'eq', 1.5e-7)).toEqual(['tiny']);
    expect(trait('score', 'eq', '1.5e-7')).toEqual(['tiny']);
    expect(trait('score', 'eq', 'true')).toEqual(['approved']);
  });

  it('agrees with the evaluator on the edge cases the property found', () => {
    seed([
      { externalId: 'emoji', traits: { os: '😀', a: 'x', tags: ['a', 'b'] }, registeredAt: null, events: [] },
      { externalId: 'fullwidth', traits: { os: '\uFF01', a: { k: 1 } }, registeredAt: null, events: [] },
      { externalId: 'missing', traits: {}, registeredAt: null, events: [] },
      { externalId: 'huge', traits: { os: 2 ** 60 }, registeredAt: null, events: [] },
    ]);
    const trait = (t: string, op: string, v?: Scalar | Scalar[]) => members({ conditions: [{ type: 'trait', trait: t, op, value: v }] });
    // strings order by code point, as SQLite orders UTF-8: U+1F600 sorts after U+FF01
    expect(trait('os', 'gt', '\uFF01')).toEqual(['emoji']);
    expect(trait('os', 'lt', '😀')).toEqual(['fullwidth']);
    // eq without a value, or with a list, matches nobody (a list is what `in` is for)
    expect(trait('os', 'eq')).toEqual([]);
    expect(trait('a', 'eq', ['x'])).toEqual([]);
    // a list or an object trait never equals a string
    expect(trait('tags', 'eq', 'a,b')).toEqual([]);
    expect(trait('a', 'eq', '[object Object]')).toEqual([]);
    // integers past 2^53 compare as the JSON number JS reads back
    expect(trait('os', 'eq', 2 ** 60)).toEqual(['huge']);
    expect(trait('os', 'gt', 2 ** 60)).toEqual([]);
    expect(trait('os', 'gte', 2 ** 60)).toEqual(['huge']);
  });

  // ─── parameterised ────────────────────────────────────────────────────────

  it('binds every user value as a parameter, never as SQL text', () => {
    const evil = "x' or 1=1 --";
    const evilKey = "k'); drop table contacts; --";
    const rules = RuleSet.parse({
      match: 'any',
      conditions: [
        { type: 'trait', trait: 'os', op: 'eq', value: evil },
        { type: 'trait', trait: 'os', op: 'contains', value: evil },
        { type: 'trait', trait: 'os', op: 'in', value: ['ios', evil] },
        { type: 'trait', trait: 'os', op: 'gt', value: evil },
        { type: 'trait', trait: evilKey, op: 'exists' },
        { type: 'event', event: evil, withinDays: 7, filter: [{ property: evilKey, op: 'neq', value: evil }] },
      ],
    });
    const q = new SQLiteSyncDialect().sqlToQuery(ruleSetSql(rules, NOW));
    expect(q.sql).not.toContain(evil);
    expect(q.sql).not.toContain('1=1');
    expect(q.sql).not.toContain('drop table');
    expect(q.params).toContain(evil);
    expect(q.params.some((p) => typeof p === 'string' && p.includes(evilKey))).toBe(true);
    // the time window is bound too
    expect(q.params).toContain(NOW - 7 * DAY);

    seed([
      { externalId: 'plain', traits: { os: 'android' }, registeredAt: null, events: [] },
      { externalId: 'evil', traits: { os: evil }, registeredAt: null, events: [] },
    ]);
    expect(members({ conditions: [{ type: 'trait', trait: 'os', op: 'eq', value: evil }] })).toEqual(['evil']);
    expect(members(rules)).toEqual(['evil']);
    expect(db.$client.prepare<[], { n: number }>('select count(*) as n from contacts').get()?.n).toBe(2);
  });
});

describe('ruleSqlIssues: the SQL prepared when rules are saved', () => {
  const inList = (n: number) => ({ type: 'trait' as const, trait: 'id', op: 'in' as const, value: Array.from({ length: n }, (_, i) => `u${i}`) });

  it('says nothing of rules SQLite prepares', () => {
    expect(ruleSqlIssues(db, { match: 'any', conditions: [inList(500), { type: 'registered', minDaysAgo: 0, maxDaysAgo: 30 }] }, NOW)).toEqual([]);
  });

  it('locates the condition SQLite refuses (an `in` list of 1,000 nests deeper than its expression limit)', () => {
    expect(ruleSqlIssues(db, { match: 'all', conditions: [inList(3), inList(1000)] }, NOW)).toEqual([
      { path: ['conditions', 1], message: 'SQLite cannot run this condition: Expression tree is too large (maximum depth 1000)' },
    ]);
  });
});
