import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { rejection } from '../../testing/rejection';
import { ServiceError } from '../../services/errors';
import { ruleLimits, type RuleSet } from '../../../shared/segments/rules';

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld();
});
afterEach(() => w.close());

const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
const traitIn = (values: unknown[], trait = 'external_id') => ({ type: 'trait' as const, trait, op: 'in' as const, value: values as string[] });
/** path → message of a refusal: zod's for the input schema, the service's for what only SQLite can say */
async function refusalOf(p: Promise<unknown>): Promise<Record<string, string>> {
  const e = await rejection(p);
  expect(e.code).toBe('BAD_REQUEST');
  if (e.cause instanceof ZodError) return Object.fromEntries(e.cause.issues.map((i) => [i.path.join('.'), i.message]));
  expect(e.cause).toBeInstanceOf(ServiceError);
  const details = (e.cause as ServiceError).details as { issues: { path: string; message: string }[] };
  return Object.fromEntries(details.issues.map((i) => [`rules.${i.path}`, i.message]));
}

describe('segment rules are checked when saved and previewed, refused at the field that breaks them', () => {
  const save = (rules: unknown) => w.caller.segments.save({ key: 'checked', name: 'Checked', rules: rules as RuleSet });
  const preview = (rules: unknown) => w.caller.segments.preview({ rules: rules as RuleSet, sample: 0 });

  it(`an \`in\` list of 1,000 ids (the issue's): at most ${ruleLimits.listValues} values a list`, async () => {
    const rules = { match: 'all', conditions: [{ type: 'registered', maxDaysAgo: 30 }, traitIn(ids(1000))] };
    const message = `a list may hold at most ${ruleLimits.listValues} values (this one holds 1000)`;
    expect(await refusalOf(save(rules))).toEqual({ 'rules.conditions.1.value': message });
    expect(await refusalOf(preview(rules))).toEqual({ 'rules.conditions.1.value': message });
    expect(w.sql(`select key from segments where key = 'checked'`)).toEqual([]);
  });

  it(`${ruleLimits.listValues} values in each of four lists prepare and run, so the limit is one SQLite can honour`, async () => {
    const rules = { match: 'any', conditions: [0, 1, 2, 3].map((k) => traitIn(ids(ruleLimits.listValues).map((x) => `${x}-${k}`))) };
    expect(await preview(rules)).toMatchObject({ count: 0 });
    expect(await save(rules)).toMatchObject({ key: 'checked' });
  });

  // a NUL or a lone surrogate is refused for every procedure before its own checks (server/trpc/init.ts), at its field
  it.each([
    ['a NUL', 'ti\u0000er', 'trait holds a NUL character'],
    ['a lone surrogate', 'tier\uD800', 'trait holds a lone surrogate (text that is not valid Unicode)'],
  ])('a trait name with %s', async (_, trait, problem) => {
    expect(await refusalOf(save({ match: 'all', conditions: [{ type: 'trait', trait, op: 'eq', value: 'gold' }] }))).toEqual({ 'rules.conditions.0.trait': problem });
  });

  it.each([
    ['65 characters', 't'.repeat(65), `is longer than ${ruleLimits.nameLength} characters`],
    ['a quote', 'tier"]', 'may hold only letters, digits, spaces and _ - . : (starting with a letter, digit or _)'],
  ])('a trait name with %s', async (_, trait, problem) => {
    const r = await refusalOf(save({ match: 'all', conditions: [{ type: 'trait', trait, op: 'eq', value: 'gold' }] }));
    expect(r).toEqual({ 'rules.conditions.0.trait': `the trait name ${JSON.stringify(trait.slice(0, 40))} ${problem}` });
  });

  it('an event property name and a value inside a list are located as deep as they sit', async () => {
    const rules = {
      match: 'all',
      conditions: [
        {
          type: 'event',
          event: 'credit_step_completed',
          withinDays: 7,
          filter: [
            { property: 'step', op: 'eq', value: 'a' },
            { property: 'st\u0000ep', op: 'in', value: ['ok', 'b\u0000ad'] },
          ],
        },
      ],
    };
    expect(await refusalOf(preview(rules))).toEqual({
      'rules.conditions.0.filter.1.property': 'property holds a NUL character',
      'rules.conditions.0.filter.1.value.1': 'value holds a NUL character',
    });
  });

  it(`at most ${ruleLimits.conditions} conditions, property filters counted`, async () => {
    const condition = (filters: number) => ({ type: 'event', event: 'app_login', withinDays: 7, filter: Array.from({ length: filters }, () => ({ property: 'p', op: 'exists' })) });
    // 5 conditions with 9 filters each: 50, the limit
    expect(await save({ match: 'all', conditions: Array.from({ length: 5 }, () => condition(9)) })).toMatchObject({ key: 'checked' });
    expect(await refusalOf(save({ match: 'all', conditions: Array.from({ length: 5 }, () => condition(10)) }))).toEqual({
      'rules.conditions': `a segment may hold at most ${ruleLimits.conditions} conditions and property filters in all (this one holds 55)`,
    });
  });

  it('names in Chinese, with dots, spaces and dashes are fine', async () => {
    const rules = {
      match: 'all',
      conditions: [
        { type: 'trait', trait: '会员 等级', op: 'eq', value: '金' },
        { type: 'trait', trait: 'plan.tier-2:x_y', op: 'exists' },
      ],
    };
    expect(await save(rules)).toMatchObject({ key: 'checked' });
  });
});

describe('the service holds the same line for callers that skip the router', () => {
  it('refuses, located, a rule set over the limits, and saves nothing', () => {
    const tooDeep = { match: 'all' as const, conditions: [traitIn(ids(1000))] };
    let e: unknown;
    try {
      w.services.segments.save({ key: 'deep', name: 'Deep', rules: tooDeep });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ServiceError);
    expect((e as ServiceError).details).toEqual({ issues: [{ path: 'conditions.0.value', message: 'a list may hold at most 500 values (this one holds 1000)' }] });
    expect(w.sql(`select key from segments where key = 'deep'`)).toEqual([]);
  });
});
