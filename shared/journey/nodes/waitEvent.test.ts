import { describe, expect, it } from 'vitest';
import { aGraph, compiled, effectsOf, JourneyDriver } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';
import { DAY, HOUR } from '../../util/time';

const T0 = Date.parse('2026-03-02T02:00:00Z');

/** entry → wait for `credit_step_completed {step: "id_photo"}` (2 days) → exit "event" | exit "timeout". */
function waitForStep() {
  return compiled(
    aGraph()
      .node('entry', 'trigger.event', { event: 'credit_application_started' })
      .node('wait', 'wait.event', {
        event: 'credit_step_completed',
        filter: [{ property: 'step', op: 'eq', value: 'id_photo' }],
        timeout: { amount: 2, unit: 'days' },
      })
      .node('came_back', 'exit', { reason: 'event' })
      .node('gave_up', 'exit', { reason: 'timeout' })
      .then('entry', 'wait')
      .then('wait', 'came_back', 'event')
      .then('wait', 'gave_up', 'timeout')
      .build(),
  );
}

describe('wait.event: schema and ports', () => {
  it('defaults to waiting 3 days for app_login', () => {
    expect(defaultConfig('wait.event')).toEqual({ event: 'app_login', filter: [], timeout: { amount: 3, unit: 'days' }, maxVisits: null });
  });

  it.each([
    [{ event: '   ' }, 'event'],
    [{ timeout: { amount: 0, unit: 'days' } }, 'timeout.amount'],
    [{ filter: [{ property: 'step', op: 'like' }] }, 'filter.0.op'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds['wait.event'].schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('has an "event" and a "timeout" port', () => {
    expect(nodeKinds['wait.event'].ports(defaultConfig('wait.event')).map((p) => p.id)).toEqual(['event', 'timeout']);
  });

  it('is listed among the events the machine awaits', () => {
    expect(waitForStep().awaitedEvents).toEqual(['credit_step_completed']);
  });
});

describe('wait.event: through step', () => {
  it('waits for the event with the timeout as its timer', () => {
    const d = new JourneyDriver(waitForStep(), { now: T0 });
    const r = d.start();
    expect(d.run).toMatchObject({ nodeId: 'wait', status: 'waiting', waitingFor: 'credit_step_completed', wakeAt: T0 + 2 * DAY });
    expect(effectsOf(r.effects, 'waitFor')).toEqual([{ type: 'waitFor', nodeId: 'wait', event: 'credit_step_completed', until: T0 + 2 * DAY }]);
  });

  it('the matching event takes the "event" port', () => {
    const d = new JourneyDriver(waitForStep(), { now: T0 });
    d.start();
    d.event('credit_step_completed', { step: 'id_photo' }, T0 + HOUR);
    expect(d.run).toMatchObject({ status: 'exited', exitReason: 'event' });
  });

  it('an event failing the property filter, or another event, leaves the run waiting', () => {
    const d = new JourneyDriver(waitForStep(), { now: T0 });
    d.start();
    const waiting = d.run;
    expect(d.event('credit_step_completed', { step: 'bank_card' }).effects).toEqual([]);
    expect(d.event('credit_step_completed', {}).effects).toEqual([]);
    expect(d.event('app_login', { step: 'id_photo' }).effects).toEqual([]);
    expect(d.run).toBe(waiting);
  });

  it('no event before the timeout takes the "timeout" port; an early timer does nothing', () => {
    const d = new JourneyDriver(waitForStep(), { now: T0 });
    d.start();
    expect(d.timer(T0 + 2 * DAY - 1).effects).toEqual([]);
    d.timer(T0 + 2 * DAY);
    expect(d.run).toMatchObject({ status: 'exited', exitReason: 'timeout' });
  });

  it('after the timeout fired, the event no longer matters', () => {
    const d = new JourneyDriver(waitForStep(), { now: T0 });
    d.start();
    d.timer();
    const done = d.run;
    expect(d.event('credit_step_completed', { step: 'id_photo' }).effects).toEqual([]);
    expect(d.run).toBe(done);
  });
});
