import { describe, expect, it } from 'vitest';
import { aGraph, compiled, effectsOf, JourneyDriver } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';

const T0 = Date.parse('2026-03-02T02:00:00Z');

function exitJourney(config: Record<string, unknown>) {
  return compiled(aGraph().node('entry', 'trigger.event', { event: 'signup' }).node('bye', 'exit', config).then('entry', 'bye').build());
}

describe('exit', () => {
  it('defaults to the reason "completed" and has no ports', () => {
    expect(defaultConfig('exit')).toEqual({ reason: 'completed' });
    expect(nodeKinds.exit.ports(defaultConfig('exit'))).toEqual([]);
    expect(nodeKinds.exit.role).toBe('exit');
  });

  it('rejects a reason longer than 60 characters or not a string', () => {
    expect(nodeKinds.exit.schema.safeParse({ reason: 'x'.repeat(61) }).success).toBe(false);
    expect(nodeKinds.exit.schema.safeParse({ reason: 7 }).success).toBe(false);
  });

  it('ends the run with its reason and an exit effect', () => {
    const d = new JourneyDriver(exitJourney({ reason: 'converted' }), { now: T0 });
    const r = d.start();
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'bye', exitReason: 'converted', wakeAt: null, waitingFor: null });
    expect(effectsOf(r.effects, 'exit')).toEqual([{ type: 'exit', nodeId: 'bye', reason: 'converted' }]);
  });

  it('a blank reason reads "completed"', () => {
    const d = new JourneyDriver(exitJourney({ reason: '   ' }), { now: T0 });
    d.start();
    expect(d.run.exitReason).toBe('completed');
  });

  it('an exited run ignores every later input', () => {
    const d = new JourneyDriver(exitJourney({}), { now: T0 });
    d.start();
    const done = d.run;
    for (const r of [d.start(), d.timer(T0 + 1e9), d.event('app_login')]) {
      expect(r.effects).toEqual([]);
      expect(r.run).toBe(done);
    }
  });
});
