import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/journey/compile';
import type { CompiledJourney } from '../../shared/journey/machine';
import { aGraph } from '../../shared/fixtures/builders';
import { replayThreads, type BacktestJob } from './run';

const machine = (maxContacts: number | null): CompiledJourney => {
  const g = aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('done', 'exit', { reason: 'done' })
    .then('entry', 'done')
    .settings({ entry: { from: null, until: null, maxContacts } })
    .build();
  const r = compile(g, { templates: new Map(), segments: new Set() });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
};
const job = (threads?: number) => ({ ...(threads === undefined ? {} : { threads }) }) as BacktestJob;

describe('how many threads replay a backtest', () => {
  it('one for a small one, several for a large one, as many as asked when asked', () => {
    expect(replayThreads(job(), [machine(null)], 5_000)).toBe(1);
    expect(replayThreads(job(), [machine(null)], 1_000_000)).toBeGreaterThanOrEqual(1);
    expect(replayThreads(job(3), [machine(null)], 10)).toBe(3);
  });

  it('one whenever a version admits at most so many contacts: that count spans every share', () => {
    expect(replayThreads(job(4), [machine(null), machine(1000)], 1_000_000)).toBe(1);
    expect(replayThreads(job(), [machine(1000)], 1_000_000)).toBe(1);
  });
});
