import { describe, expect, it } from 'vitest';
import { nameProblem, RuleSet, ruleLimits, SegmentRules } from './rules';

describe('segment rule limits (the editor and segments.save share them)', () => {
  it('names: letters and digits of any script, _ - . : and inner spaces; no NUL, no lone surrogate, not too long', () => {
    for (const ok of ['tier', 'days_to_due', '会员等级', 'plan.tier', 'a-b:c d', '_x', '9lives']) expect(nameProblem(ok), ok).toBeNull();
    expect(nameProblem('a\u0000b')).toBe('holds a NUL character');
    expect(nameProblem('\uDC00a')).toBe('holds a lone surrogate (text that is not valid Unicode)');
    expect(nameProblem('😀')).toMatch(/may hold only/); // a well-formed pair, but not a letter or digit
    expect(nameProblem('x'.repeat(ruleLimits.nameLength))).toBeNull();
    expect(nameProblem('x'.repeat(ruleLimits.nameLength + 1))).toBe(`is longer than ${ruleLimits.nameLength} characters`);
    for (const bad of ['$.a', 'a"b', '-a', ' a', 'a\\b']) expect(nameProblem(bad), bad).toMatch(/may hold only/);
  });

  it('counts values over every list, and locates each problem', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => i);
    const r = SegmentRules.safeParse({ match: 'any', conditions: [0, 1, 2, 3, 4].map(() => ({ type: 'trait', trait: 'id', op: 'in', value: list(ruleLimits.listValues) })) });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['conditions', `a segment's lists may hold at most ${ruleLimits.totalValues} values in all (this one holds 2500)`]]);
  });

  it('stored rules still read with the lenient RuleSet, so a segment saved before the limits loads (and fails, if it does, at entry)', () => {
    const old = { match: 'all', conditions: [{ type: 'trait', trait: 'ti\u0000er', op: 'in', value: Array.from({ length: 1000 }, (_, i) => i) }] };
    expect(RuleSet.safeParse(old).success).toBe(true);
    expect(SegmentRules.safeParse(old).success).toBe(false);
  });
});
