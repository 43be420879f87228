import { describe, expect, it } from 'vitest';
import { aGraph, compiled, effectsOf, JourneyDriver } from '../fixtures/builders';
import { loopLimitReason } from './loops';
import { newRun } from './run';

const NOON_SH = Date.parse('2026-03-02T12:00:00+08:00');

/** A robo-call every three days, through a wait that lets it round at most `maxVisits` times. */
const callEveryThreeDays = (maxVisits: number) =>
  compiled(
    aGraph()
      .node('entry', 'trigger.event', { event: 'approved' })
      .node('call', 'send', { channel: 'voice', template: 'recall_call' })
      .node('wait', 'wait.duration', { amount: 3, unit: 'days', maxVisits })
      .then('entry', 'call')
      .then('call', 'wait')
      .then('wait', 'call')
      .build(),
  );

describe('loop limit in step', () => {
  it('a run passes a limited wait at most maxVisits times, then leaves the journey there: the bound holds', () => {
    const machine = callEveryThreeDays(2);
    expect(machine.maxMessages.voice).toBe(3);
    const d = new JourneyDriver(machine, { now: NOON_SH });
    d.start();
    expect(d.run).toMatchObject({ nodeId: 'wait', status: 'waiting', laps: { wait: 1 } });
    d.timer();
    expect(d.run).toMatchObject({ nodeId: 'wait', status: 'waiting', laps: { wait: 2 } });
    d.timer();
    expect(d.run).toMatchObject({ nodeId: 'wait', status: 'exited', exitReason: loopLimitReason, laps: { wait: 3 } });
    expect(effectsOf(d.effects, 'send')).toHaveLength(3);
    expect(effectsOf(d.effects, 'exit')).toEqual([{ type: 'exit', nodeId: 'wait', reason: loopLimitReason }]);
    // nothing more happens to a run that has left
    expect(d.timer().effects).toEqual([]);
  });

  it('a run entering again starts counting again (the store drops the count on re-entry)', () => {
    const machine = callEveryThreeDays(1);
    const d = new JourneyDriver(machine, { now: NOON_SH });
    d.start();
    d.timer();
    expect(d.run.status).toBe('exited');
    d.run = { ...newRun(machine, 'run-1', 'contact-1', d.now), visit: d.run.visit + 1 };
    d.start();
    expect(d.run).toMatchObject({ nodeId: 'wait', status: 'waiting', laps: { wait: 1 } });
  });

  it('runs of versions published before loop limits (no maxVisits in the stored config) go round as they did', () => {
    const machine = callEveryThreeDays(1);
    const wait = machine.nodes.wait;
    if (!wait) throw new Error('no wait node');
    const old = { ...machine, nodes: { ...machine.nodes, wait: { ...wait, config: { amount: 3, unit: 'days' } } } };
    const d = new JourneyDriver(old, { now: NOON_SH });
    d.start();
    for (let i = 0; i < 4; i++) d.timer();
    expect(d.run).toMatchObject({ nodeId: 'wait', status: 'waiting' });
    expect(d.run.laps ?? null).toBeNull();
  });
});
