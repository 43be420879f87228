import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { TestWorld } from '../testing/harness';
import { contacts } from '../db/schema';
import { ruleSetSql } from '../segments/ruleSql';
import { RuleSet } from '../../shared/segments/rules';
import { HOUR } from '../../shared/util/time';
import { ruleSetSpanSql } from './candidates';
import { E, S, aRecordedWorld } from './testFixture';

/**
 * The copy's contacts must include everyone segment entry could admit at any
 * moment of the window (the engine on the copy then decides exactly): the
 * span rule's members ⊇ the members at each hour of the week, for rules of
 * every condition type, combined both ways; and it stays narrow where it can.
 */
let w: TestWorld;
beforeAll(() => {
  w = aRecordedWorld(S + 8 * 24 * HOUR, { during: true });
});
afterAll(() => w.close());

const members = (where: ReturnType<typeof sql>): Set<number> => new Set(w.db.all<{ id: number }>(sql`select ${contacts.id} id from ${contacts} where ${where}`).map((r) => r.id));

const rules: Record<string, RuleSet> = {
  'the recall segment': RuleSet.parse({
    conditions: [
      { type: 'registered', minDaysAgo: 0, maxDaysAgo: 90 },
      { type: 'event', event: 'app_login', did: false, withinDays: 90 },
    ],
  }),
  'did log in lately': RuleSet.parse({ conditions: [{ type: 'event', event: 'app_login', did: true, withinDays: 3 }] }),
  'a short look-back of not logging in': RuleSet.parse({ conditions: [{ type: 'event', event: 'app_login', did: false, withinDays: 2 }] }),
  'registered 30 to 60 days ago': RuleSet.parse({ conditions: [{ type: 'registered', minDaysAgo: 30, maxDaysAgo: 60 }] }),
  'any of: abandoned a step, or a trait': RuleSet.parse({
    match: 'any',
    conditions: [
      { type: 'event', event: 'credit_step_abandoned', did: true, withinDays: 1, filter: [{ property: 'step', op: 'eq', value: 'bank_card' }] },
      { type: 'trait', trait: 'name', op: 'eq', value: '迟到' },
    ],
  }),
};

describe('the copy takes every contact a segment could admit during the window', () => {
  it.each(Object.entries(rules))('%s', (_, r) => {
    const span = members(ruleSetSpanSql(r, S, E));
    const admitted = new Set<number>();
    for (let t = S; t <= E; t += HOUR) for (const id of members(ruleSetSql(r, t))) admitted.add(id);
    expect([...admitted].filter((id) => !span.has(id))).toEqual([]);
    expect(admitted.size).toBeGreaterThan(0);
  });

  it('leaves out whoever logged in shortly before the window, for the recall segment', () => {
    const all = members(sql`1`);
    const span = members(ruleSetSpanSql(rules['the recall segment'] as RuleSet, S, E));
    // 10 of the 61 logged in within 20 days before the window
    expect(all.size - span.size).toBe(10);
  });
});
