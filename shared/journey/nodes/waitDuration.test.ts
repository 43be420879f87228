import { describe, expect, it } from 'vitest';
import { aGraph, compiled, effectsOf, JourneyDriver } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';
import { DAY, HOUR, MINUTE } from '../../util/time';

const T0 = Date.parse('2026-03-02T02:00:00Z');

function waitJourney(amount: number, unit: string) {
  return compiled(
    aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('wait', 'wait.duration', { amount, unit })
      .node('done', 'exit', { reason: 'waited' })
      .then('entry', 'wait')
      .then('wait', 'done')
      .build(),
  );
}

describe('wait.duration: schema and ports', () => {
  it('defaults to one day', () => {
    expect(defaultConfig('wait.duration')).toEqual({ amount: 1, unit: 'days', maxVisits: null });
  });

  it.each([
    [{ amount: 0 }, 'amount'],
    [{ amount: 1.5 }, 'amount'],
    [{ amount: 100_001 }, 'amount'],
    [{ amount: '3' }, 'amount'],
    [{ unit: 'weeks' }, 'unit'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds['wait.duration'].schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('has one "next" port and is a wait', () => {
    expect(nodeKinds['wait.duration'].ports(defaultConfig('wait.duration')).map((p) => p.id)).toEqual(['next']);
    expect(nodeKinds['wait.duration'].role).toBe('wait');
  });
});

describe('wait.duration: through step', () => {
  it.each([
    [3, 'days', 3 * DAY],
    [2, 'hours', 2 * HOUR],
    [45, 'minutes', 45 * MINUTE],
  ])('%i %s sets the timer that far ahead', (amount, unit, ms) => {
    const d = new JourneyDriver(waitJourney(amount, unit), { now: T0 });
    const r = d.start();
    expect(d.run).toMatchObject({ nodeId: 'wait', status: 'waiting', wakeAt: T0 + ms, waitingFor: null });
    expect(effectsOf(r.effects, 'wakeAt')).toEqual([{ type: 'wakeAt', nodeId: 'wait', at: T0 + ms }]);
  });

  it('an early timer is a no-op: same run, no effects', () => {
    const d = new JourneyDriver(waitJourney(3, 'days'), { now: T0 });
    d.start();
    const before = d.run;
    const r = d.timer(T0 + 3 * DAY - 1);
    expect(r.effects).toEqual([]);
    expect(r.run).toBe(before);
  });

  it('the timer at (or after) the wake time moves the run on', () => {
    for (const late of [0, 5 * HOUR]) {
      const d = new JourneyDriver(waitJourney(3, 'days'), { now: T0 });
      d.start();
      d.timer(T0 + 3 * DAY + late);
      expect(d.run).toMatchObject({ status: 'exited', exitReason: 'waited', nodeId: 'done' });
    }
  });

  it('an event does not end a plain wait', () => {
    const d = new JourneyDriver(waitJourney(1, 'days'), { now: T0 });
    d.start();
    const before = d.run;
    const r = d.event('app_login');
    expect(r.effects).toEqual([]);
    expect(d.run).toBe(before);
  });
});
