import { describe, expect, it } from 'vitest';
import { aGraph, aProfile, compiled, effectsOf, JourneyDriver, smsThenCallGraph } from '../fixtures/builders';
import { step } from './step';
import { allowAll, newRun, type StepContext } from './run';
import { ContactNotLoaded, JourneyFault } from './errors';
import type { CompiledJourney } from './machine';
import { seededRng } from '../util/hash';
import { DAY, HOUR } from '../util/time';

const T0 = Date.parse('2026-03-02T02:00:00Z');

/** The SMS → wait for login (3 days) → robo-call flow, ending when the contact draws a loan of at least ¥1,000. */
function recallWithExit(): CompiledJourney {
  const g = smsThenCallGraph();
  return compiled({ ...g, settings: { ...g.settings, exitCriteria: [{ event: 'loan_drawn', filter: [{ property: 'amount', op: 'gte', value: 1000 }] }] } });
}

function ctxFor(machine: CompiledJourney, now = T0): StepContext {
  return { machine, now, rng: seededRng(1), profile: aProfile(), policy: allowAll };
}

describe('step: exit criteria end a run wherever it is', () => {
  it('while waiting for an event (even while waiting for that very event)', () => {
    const d = new JourneyDriver(recallWithExit(), { now: T0 });
    d.start();
    expect(d.run).toMatchObject({ nodeId: 'wait', waitingFor: 'app_login' });
    const r = d.event('loan_drawn', { amount: 5000 }, T0 + HOUR);
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'wait', exitReason: 'exit_criteria:loan_drawn', wakeAt: null, waitingFor: null });
    expect(effectsOf(r.effects, 'exit')).toEqual([{ type: 'exit', nodeId: 'wait', reason: 'exit_criteria:loan_drawn' }]);
  });

  it('while a capped message waits at a send node', () => {
    const d = new JourneyDriver(recallWithExit(), { now: T0, policy: () => ({ decision: 'defer', until: T0 + 10 * HOUR, reason: 'quiet_hours' }) });
    d.start();
    expect(d.run).toMatchObject({ nodeId: 'sms', status: 'waiting' });
    d.event('loan_drawn', { amount: 1000 });
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'sms', exitReason: 'exit_criteria:loan_drawn' });
    expect(effectsOf(d.effects, 'send')).toEqual([]);
  });

  it('before the run has even started', () => {
    const d = new JourneyDriver(recallWithExit(), { now: T0 });
    d.event('loan_drawn', { amount: 2000 });
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'entry' });
    expect(d.start().effects).toEqual([]);
  });

  it('only when the criterion’s filter matches', () => {
    const d = new JourneyDriver(recallWithExit(), { now: T0 });
    d.start();
    const waiting = d.run;
    expect(d.event('loan_drawn', { amount: 500 }).effects).toEqual([]);
    expect(d.event('loan_drawn', {}).effects).toEqual([]);
    expect(d.run).toBe(waiting);
  });

  it('a waiting event that is not an exit criterion still wakes its wait', () => {
    const d = new JourneyDriver(recallWithExit(), { now: T0 });
    d.start();
    d.event('app_login');
    expect(d.run).toMatchObject({ status: 'exited', exitReason: 'completed' });
  });
});

describe('step: the whole recall flow', () => {
  it('SMS, three days of silence, then the robo-call', () => {
    const d = new JourneyDriver(recallWithExit(), { now: T0 });
    d.start();
    d.timer(T0 + 3 * DAY);
    expect(effectsOf(d.effects, 'send').map((s) => [s.nodeId, s.channel, s.template, s.visit])).toEqual([
      ['sms', 'sms', 'recall_sms', 2],
      ['call', 'voice', 'recall_call', 4],
    ]);
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'done', visit: 5 });
  });
});

describe('step: robustness', () => {
  it('does not mutate the run or the context it is given', () => {
    const m = recallWithExit();
    const ctx = ctxFor(m);
    const run = newRun(m, 'r', 'c', T0);
    const runCopy = structuredClone(run);
    const profileCopy = structuredClone(ctx.profile);
    const machineCopy = structuredClone(m);
    step(run, { type: 'start' }, ctx);
    expect(run).toEqual(runCopy);
    expect(ctx.profile).toEqual(profileCopy);
    expect(m).toEqual(machineCopy);
  });

  it('a run at a node the machine lacks exits with node_missing', () => {
    const m = recallWithExit();
    const r = step({ ...newRun(m, 'r', 'c', T0), nodeId: 'gone' }, { type: 'timer' }, ctxFor(m));
    expect(r.run).toMatchObject({ status: 'exited', exitReason: 'node_missing' });
  });

  it('a port with no edge in a hand-made machine exits with port_unwired instead of throwing', () => {
    const m = recallWithExit();
    const sms = m.nodes.sms;
    if (!sms) throw new Error('fixture changed');
    const broken: CompiledJourney = { ...m, nodes: { ...m.nodes, sms: { ...sms, next: {} } } };
    const r = step(newRun(broken, 'r', 'c', T0), { type: 'start' }, ctxFor(broken));
    expect(r.run).toMatchObject({ status: 'exited', nodeId: 'sms', exitReason: 'port_unwired' });
    expect(effectsOf(r.effects, 'send')).toHaveLength(1);
  });

  it("a node of a kind this code does not know is a fault of the journey: a JourneyFault, at the run's node or down the chain", () => {
    const m = recallWithExit();
    const sms = m.nodes.sms;
    if (!sms) throw new Error('fixture changed');
    const unknown = { ...m, nodes: { ...m.nodes, sms: { ...sms, kind: 'send.v9' } } } as unknown as CompiledJourney;
    expect(() => step(newRun(unknown, 'r', 'c', T0), { type: 'start' }, ctxFor(unknown))).toThrow(JourneyFault);
    expect(() => step({ ...newRun(unknown, 'r', 'c', T0), nodeId: 'sms', status: 'waiting', wakeAt: T0 }, { type: 'timer' }, ctxFor(unknown))).toThrow(/node "sms" is of kind "send.v9"/);
  });

  it("any other throw from a node's rule ends that run alone, with the error as its reason", () => {
    const m = recallWithExit();
    const r = step(
      newRun(m, 'r', 'c', T0),
      { type: 'start' },
      {
        ...ctxFor(m),
        policy: () => {
          throw new Error('boom');
        },
      },
    );
    expect(r.run).toMatchObject({ status: 'exited', exitReason: 'error:boom' });
  });

  it('a context without its contact: a step that reads none completes, and one that reads it lets ContactNotLoaded through instead of ending the run', () => {
    const m = recallWithExit();
    const notLoaded = () => {
      throw new ContactNotLoaded('not loaded');
    };
    const profile = {
      get traits(): never {
        return notLoaded();
      },
      get timezone(): never {
        return notLoaded();
      },
      get registeredAt(): never {
        return notLoaded();
      },
      get events(): never {
        return notLoaded();
      },
    };
    const unloaded: StepContext = { ...ctxFor(m), profile, policy: notLoaded };
    // the SMS asks the policy: thrown through, where any other throw would end the run with error:…
    expect(() => step(newRun(m, 'r', 'c', T0), { type: 'start' }, unloaded)).toThrow(ContactNotLoaded);
    // a login at the wait leads to an exit: nothing of the contact is read
    const waiting = { ...newRun(m, 'r', 'c', T0), nodeId: 'wait', status: 'waiting' as const, visit: 3, wakeAt: T0 + 3 * DAY, waitingFor: 'app_login' };
    const loggedIn = step(waiting, { type: 'event', event: { name: 'app_login', at: T0 + HOUR, properties: {} } }, { ...unloaded, now: T0 + HOUR });
    expect(loggedIn.run).toMatchObject({ status: 'exited' });
    expect(loggedIn.run.exitReason).not.toMatch(/^error:/);
  });

  it('an instant loop in a hand-made machine stops at the hop limit', () => {
    const m = compiled(aGraph().node('entry', 'trigger.event', { event: 'x' }).node('tag', 'action.setTrait').node('done', 'exit').then('entry', 'tag').then('tag', 'done').build());
    const tag = m.nodes.tag;
    if (!tag) throw new Error('fixture changed');
    const looping: CompiledJourney = { ...m, nodes: { ...m.nodes, tag: { ...tag, next: { next: 'tag' } } } };
    const r = step(newRun(looping, 'r', 'c', T0), { type: 'start' }, ctxFor(looping));
    expect(r.run).toMatchObject({ status: 'exited', exitReason: 'hop_limit' });
    expect(effectsOf(r.effects, 'setTrait').length).toBeLessThanOrEqual(Object.keys(looping.nodes).length + 1);
  });

  it('a wait with no wake time and no event (a config compile would reject) ends the run instead of stranding it', () => {
    const m = compiled(aGraph().node('entry', 'trigger.event', { event: 'x' }).node('window', 'wait.until').node('done', 'exit').then('entry', 'window').then('window', 'done').build());
    const window = m.nodes.window;
    if (!window) throw new Error('fixture changed');
    const noWindows: CompiledJourney = { ...m, nodes: { ...m.nodes, window: { ...window, config: { windows: [] } } } };
    const r = step(newRun(noWindows, 'r', 'c', T0), { type: 'start' }, ctxFor(noWindows));
    expect(r.run).toMatchObject({ status: 'exited', nodeId: 'window', exitReason: 'no_wake_time' });
  });

  it('start only moves a fresh run; a timer only fires for a waiting run', () => {
    const m = recallWithExit();
    const fresh = newRun(m, 'r', 'c', T0);
    const early = step(fresh, { type: 'timer' }, ctxFor(m, T0 + 10 * DAY));
    expect(early.run).toBe(fresh);
    expect(early.effects).toEqual([]);
    const started = step(fresh, { type: 'start' }, ctxFor(m)).run;
    const again = step(started, { type: 'start' }, ctxFor(m));
    expect(again.run).toBe(started);
    expect(again.effects).toEqual([]);
  });
});
