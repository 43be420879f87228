import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/journey/compile';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { ReentryPolicy } from '../../shared/journey/settings';
import { defaultGuardrails } from '../../shared/policy/guardrails';
import { aGraph } from '../../shared/fixtures/builders';
import { replayThreads, type BacktestJob } from './run';

const machine = (o: { maxContacts?: number; reentry?: ReentryPolicy } = {}): CompiledJourney => {
  const g = aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('done', 'exit', { reason: 'done' })
    .then('entry', 'done')
    .settings({ entry: { from: null, until: null, maxContacts: o.maxContacts ?? null }, reentry: o.reentry ?? { policy: 'never' } })
    .build();
  const r = compile(g, { templates: new Map(), segments: new Set() });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
};
const job = (threads?: number) => ({ ...(threads === undefined ? {} : { threads }) }) as BacktestJob;
const sleeping = defaultGuardrails().sleeping;
const plan = (candidates: number, rule = sleeping) => ({ candidates, sleeping: rule });

describe('how many threads replay a backtest', () => {
  it('one for a small one, several for a large one, as many as asked when asked', () => {
    expect(replayThreads(job(), [machine()], plan(5_000))).toBe(1);
    expect(replayThreads(job(), [machine()], plan(200_000))).toBe(Math.min(4, availableParallelism()));
    expect(replayThreads(job(3), [machine()], plan(10))).toBe(3);
  });

  it('one whenever a version admits at most so many contacts: that count spans every share', () => {
    expect(replayThreads(job(4), [machine(), machine({ maxContacts: 1000 })], plan(200_000))).toBe(1);
    expect(replayThreads(job(), [machine({ maxContacts: 1000 })], plan(200_000))).toBe(1);
  });

  it('one whenever the sleeping pass could mark someone: it runs at whichever tick comes an hour after the last', () => {
    const reenters = machine({ reentry: { policy: 'after_exit' } });
    expect(replayThreads(job(4), [reenters], plan(200_000))).toBe(1);
    // the same journey with the rule off splits
    expect(replayThreads(job(4), [reenters], plan(200_000, { ...sleeping, enabled: false }))).toBe(4);
  });
});
