import { describe, expect, it } from 'vitest';
import { compiled } from '../../shared/fixtures/builders';
import { SleepingRule } from '../../shared/policy/guardrails';
import type { JourneyGraph } from '../../shared/journey/graph';
import { sleepingPassCanMark } from './engine';
import { blueprint1 } from './testFixture';

/**
 * The replay skips the hourly sleeping pass only where it provably marks no
 * one: a journey that admits a contact once sends each at most its compiled
 * bound and finishes at most one run of theirs.
 */
const refs = {
  templates: new Map([
    ['recall_sms', 'sms' as const],
    ['recall_call', 'voice' as const],
  ]),
  segments: new Set(['registered_never_logged_in']),
};
const withReentry = (g: JourneyGraph, policy: 'never' | 'after_exit'): JourneyGraph => ({ ...g, settings: { ...g.settings, reentry: { policy } } });
const rule = (r: Partial<SleepingRule>) => SleepingRule.parse(r);

describe('whether the sleeping pass could mark anyone on a backtest copy', () => {
  const once = compiled(withReentry(blueprint1(), 'never'), refs);

  it('not when each contact enters once and gets fewer messages than the rule counts (the recall blueprint: 2 of 5)', () => {
    expect(sleepingPassCanMark(once, rule({}))).toBe(false);
  });

  it('not when the rule is off', () => {
    expect(sleepingPassCanMark(once, rule({ enabled: false, reminders: 1, journeys: 1 }))).toBe(false);
  });

  it('yes when the bound reaches the reminders, or one finished run is enough', () => {
    expect(sleepingPassCanMark(once, rule({ reminders: 2 }))).toBe(true);
    expect(sleepingPassCanMark(once, rule({ journeys: 1 }))).toBe(true);
  });

  it('yes when contacts may enter again (their messages add up)', () => {
    expect(sleepingPassCanMark(compiled(withReentry(blueprint1(), 'after_exit'), refs), rule({}))).toBe(true);
  });
});
