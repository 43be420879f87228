import { describe, expect, it } from 'vitest';
import { compare, evaluateCondition, evaluateRuleSet, matchesFilters, type Profile, type ProfileEvent } from './evaluate';
import { Condition, RuleSet, type ComparisonOp, type Scalar } from './rules';
import { aProfile } from '../fixtures/builders';
import { DAY } from '../util/time';

const NOW = Date.parse('2026-03-02T04:00:00Z');
const ev = (name: string, daysAgo: number, properties: Record<string, unknown> = {}): ProfileEvent => ({ name, at: NOW - daysAgo * DAY, properties });
const holds = (c: unknown, p: Profile) => evaluateCondition(Condition.parse(c), p, NOW);

const compareCases: [ComparisonOp, unknown, Scalar | Scalar[] | undefined, boolean][] = [
  ['eq', 'android', 'android', true],
  ['eq', 'ios', 'android', false],
  ['eq', 3, '3', true], // trait values arrive as strings from CSV and as numbers from the SDK
  ['eq', true, 'true', true],
  ['eq', undefined, 'android', false],
  ['eq', null, null, true],
  ['neq', 'ios', 'android', true],
  ['neq', 'android', 'android', false],
  ['gt', 700, 600, true],
  ['gt', 600, 600, false],
  ['gte', 600, 600, true],
  ['lt', 599, 600, true],
  ['lte', 601, 600, false],
  ['gt', 'b', 'a', true],
  ['gt', '700', 600, false], // mistyped values never match an ordering
  ['gt', undefined, 0, false],
  ['lt', true, 2, true],
  ['contains', 'credit_card_step', 'card', true],
  ['contains', 'credit_card_step', 'loan', false],
  ['contains', 42, '4', false],
  ['in', 'tier2', ['tier1', 'tier2'], true],
  ['in', 'tier3', ['tier1', 'tier2'], false],
  ['in', 2, ['1', '2'], true],
  ['in', 'tier1', 'tier1', false], // `in` needs a list
  ['exists', 0, undefined, true],
  ['exists', '', undefined, true],
  ['exists', null, undefined, false],
  ['exists', undefined, undefined, false],
  ['not_exists', undefined, undefined, true],
  ['not_exists', false, undefined, false],
];

describe('compare', () => {
  it.each(compareCases)('%s: %j vs %j → %s', (op, actual, expected, result) => {
    expect(compare(actual, op, expected)).toBe(result);
  });

  it('neq is the negation of eq, so a missing trait is "not equal"', () => {
    expect(compare(undefined, 'neq', 'android')).toBe(!compare(undefined, 'eq', 'android'));
  });
});

describe('matchesFilters', () => {
  it('needs every filter; no filter matches anything', () => {
    const props = { step: 'id_photo', attempt: 2 };
    expect(matchesFilters(props, [])).toBe(true);
    expect(
      matchesFilters(props, [
        { property: 'step', op: 'eq', value: 'id_photo' },
        { property: 'attempt', op: 'gte', value: 2 },
      ]),
    ).toBe(true);
    expect(
      matchesFilters(props, [
        { property: 'step', op: 'eq', value: 'id_photo' },
        { property: 'attempt', op: 'gt', value: 2 },
      ]),
    ).toBe(false);
  });
});

describe('evaluateCondition: trait', () => {
  it('reads the trait from the profile', () => {
    const p = aProfile({ traits: { os: 'android', limit: 5000 } });
    expect(holds({ type: 'trait', trait: 'os', op: 'eq', value: 'android' }, p)).toBe(true);
    expect(holds({ type: 'trait', trait: 'limit', op: 'lt', value: 3000 }, p)).toBe(false);
    expect(holds({ type: 'trait', trait: 'partner', op: 'not_exists' }, p)).toBe(true);
  });
});

describe('evaluateCondition: event windows', () => {
  const login = { type: 'event', event: 'app_login', withinDays: 7 };

  it('counts events from exactly N days ago up to now', () => {
    expect(holds(login, aProfile({ events: [ev('app_login', 7)] }))).toBe(true);
    expect(holds(login, aProfile({ events: [ev('app_login', 7 + 1 / DAY)] }))).toBe(false);
    expect(holds(login, aProfile({ events: [ev('app_login', 0)] }))).toBe(true);
  });

  it('ignores events stamped in the future and events of another name', () => {
    expect(holds(login, aProfile({ events: [ev('app_login', -1)] }))).toBe(false);
    expect(holds(login, aProfile({ events: [ev('loan_drawn', 1)] }))).toBe(false);
  });

  it('applies the property filter to the events in the window', () => {
    const dropped = { type: 'event', event: 'credit_step_completed', withinDays: 3, filter: [{ property: 'step', op: 'eq', value: 'bank_card' }] };
    expect(holds(dropped, aProfile({ events: [ev('credit_step_completed', 1, { step: 'id_photo' })] }))).toBe(false);
    expect(holds(dropped, aProfile({ events: [ev('credit_step_completed', 1, { step: 'id_photo' }), ev('credit_step_completed', 2, { step: 'bank_card' })] }))).toBe(true);
    expect(holds(dropped, aProfile({ events: [ev('credit_step_completed', 4, { step: 'bank_card' })] }))).toBe(false);
  });

  it('"did not" is true exactly when no such event is in the window', () => {
    const idle = { type: 'event', event: 'app_login', did: false, withinDays: 30 };
    expect(holds(idle, aProfile())).toBe(true);
    expect(holds(idle, aProfile({ events: [ev('app_login', 45)] }))).toBe(true);
    expect(holds(idle, aProfile({ events: [ev('app_login', 29)] }))).toBe(false);
  });
});

describe('evaluateCondition: registered windows (3 / 6 / 12-month layers)', () => {
  const layer = { type: 'registered', minDaysAgo: 90, maxDaysAgo: 180 };
  it('includes the lower bound and excludes the upper', () => {
    expect(holds(layer, aProfile({ registeredAt: NOW - 90 * DAY }))).toBe(true);
    expect(holds(layer, aProfile({ registeredAt: NOW - 179 * DAY }))).toBe(true);
    expect(holds(layer, aProfile({ registeredAt: NOW - 180 * DAY }))).toBe(false);
    expect(holds(layer, aProfile({ registeredAt: NOW - 89 * DAY }))).toBe(false);
  });

  it('an unknown registration date never matches', () => {
    expect(holds({ type: 'registered', maxDaysAgo: 3650 }, aProfile({ registeredAt: null }))).toBe(false);
  });

  it('the schema rejects min ≥ max', () => {
    const r = Condition.safeParse({ type: 'registered', minDaysAgo: 30, maxDaysAgo: 30 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['minDaysAgo']);
  });
});

describe('evaluateRuleSet', () => {
  const p = aProfile({ traits: { os: 'android' }, events: [ev('app_login', 2)] });
  const android = { type: 'trait', trait: 'os', op: 'eq', value: 'android' };
  const borrowed = { type: 'event', event: 'loan_drawn', withinDays: 30 };

  it('all / any', () => {
    expect(evaluateRuleSet(RuleSet.parse({ match: 'all', conditions: [android, borrowed] }), p, NOW)).toBe(false);
    expect(evaluateRuleSet(RuleSet.parse({ match: 'any', conditions: [android, borrowed] }), p, NOW)).toBe(true);
    expect(evaluateRuleSet(RuleSet.parse({ match: 'any', conditions: [borrowed] }), p, NOW)).toBe(false);
  });

  it('an empty rule set matches everyone', () => {
    expect(evaluateRuleSet(RuleSet.parse({}), aProfile(), NOW)).toBe(true);
    expect(evaluateRuleSet(RuleSet.parse({ match: 'any' }), aProfile(), NOW)).toBe(true);
  });
});
