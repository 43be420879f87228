import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generatedRefs, loopingGraph, scenario, validGraph, type GeneratedGraph, type Scenario } from '../fixtures/arbitraries';
import { effectsOf } from '../fixtures/builders';
import { compile } from './compile';
import { step, type StepResult } from './step';
import { awaitingMessage, newRun, type PolicyCheck, type Run, type StepInput } from './run';
import type { CompiledJourney } from './machine';
import type { Effect } from './effects';
import { channels } from './channels';
import type { Profile, ProfileEvent } from '../segments/evaluate';
import { hash32, seededRng } from '../util/hash';
import { MINUTE } from '../util/time';

/** One `step` call of a simulated contact: what went in and what came out. */
interface StepRecord {
  before: Run;
  input: StepInput;
  now: number;
  result: StepResult;
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/**
 * Contact policy as a pure function of the scenario, the node and the clock:
 * allows half the sends, defers a third (up to 10 h; the retry asks again) and suppresses the rest.
 */
function policyAt(now: number, seed: number): PolicyCheck {
  return ({ nodeId, channel }) => {
    const h = hash32(`${seed}|${nodeId}|${channel}|${now}`);
    if (h % 6 === 3 || h % 6 === 4) return { decision: 'defer', until: now + ((h >>> 3) % 600) * MINUTE, reason: 'cap' };
    if (h % 6 === 5) return { decision: 'suppress', reason: 'opted_out' };
    return { decision: 'allow' };
  };
}

/** Feed a scenario to one run the way the runner would; inputs, machine and profile are frozen so a mutation throws. */
function simulate(machine: CompiledJourney, s: Scenario): StepRecord[] {
  deepFreeze(machine);
  const rng = seededRng(s.rngSeed);
  let now = s.start;
  let run = newRun(machine, 'run-1', s.contactId, now);
  let profile: Profile = { traits: { ...s.traits }, timezone: s.timezone, registeredAt: s.start - 40 * 24 * 60 * MINUTE, events: [] };
  const records: StepRecord[] = [];
  const feed = (input: StepInput) => {
    const before = deepFreeze(run);
    const result = step(before, deepFreeze(input), { machine, now, rng, profile: deepFreeze(profile), policy: policyAt(now, s.policySeed) });
    for (const e of result.effects) if (e.type === 'setTrait') profile = { ...profile, traits: { ...profile.traits, [e.trait]: e.value } };
    records.push({ before, input, now, result });
    run = result.run;
  };
  feed({ type: 'start' });
  for (const i of s.inputs) {
    now += i.advanceMin * MINUTE;
    if (i.type === 'timer') {
      if (i.toWake && run.wakeAt !== null) now = Math.max(now, run.wakeAt);
      feed({ type: 'timer' });
    } else if (i.type === 'message') {
      feed({ type: 'message', status: i.status });
    } else {
      const event: ProfileEvent = { name: i.name, at: now, properties: i.properties };
      profile = { ...profile, events: [...profile.events, event] };
      feed({ type: 'event', event });
    }
  }
  return records;
}

function machineOf(g: GeneratedGraph): CompiledJourney {
  const r = compile(g.graph, generatedRefs);
  if (!r.ok) throw new Error(`generated graph does not compile: ${JSON.stringify(r.errors)}\n${JSON.stringify(g.graph)}`);
  return r.value;
}

const allEffects = (records: readonly StepRecord[]): Effect[] => records.flatMap((r) => r.result.effects);

describe('properties of compile', () => {
  it('(a) every random valid graph compiles', () => {
    fc.assert(
      fc.property(validGraph, (g) => {
        const r = compile(g.graph, generatedRefs);
        expect(r.ok ? [] : r.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the machine does not depend on the order of nodes and edges', () => {
    fc.assert(
      fc.property(
        validGraph.chain((g) =>
          fc.record({
            g: fc.constant(g),
            nodes: fc.shuffledSubarray(g.graph.nodes, { minLength: g.graph.nodes.length }),
            edges: fc.shuffledSubarray(g.graph.edges, { minLength: g.graph.edges.length }),
          }),
        ),
        ({ g, nodes, edges }) => {
          const a = compile(g.graph, generatedRefs);
          const b = compile({ ...g.graph, nodes, edges }, generatedRefs);
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the message bound is finite for every channel of a graph without loops', () => {
    fc.assert(
      fc.property(
        validGraph.filter((g) => !g.loops),
        (g) => {
          const m = machineOf(g);
          for (const ch of channels) {
            const sends = g.graph.nodes.filter((n) => n.kind === 'send' && n.config.channel === ch).length;
            expect(m.maxMessages[ch]).not.toBeNull();
            expect(m.maxMessages[ch]).toBeLessThanOrEqual(sends);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * The oracle for the loop rule, written apart from compile's analysis: with
 * the limited nodes taken out, can some send node reach itself again?
 */
function hasUnboundedSendLoop(g: GeneratedGraph): boolean {
  const limited = new Set(g.graph.nodes.filter((n) => (n.config.maxVisits ?? null) !== null).map((n) => n.id));
  const next = (id: string) => g.graph.edges.filter((e) => e.source === id && !limited.has(e.target)).map((e) => e.target);
  return g.graph.nodes
    .filter((n) => n.kind === 'send' && !limited.has(n.id))
    .some((s) => {
      const seen = new Set<string>();
      const stack = next(s.id);
      while (stack.length) {
        const v = stack.pop() as string;
        if (v === s.id) return true;
        if (seen.has(v)) continue;
        seen.add(v);
        stack.push(...next(v));
      }
      return false;
    });
}

describe('properties of the loop rule', () => {
  it('every graph compile accepts has a finite per-contact message bound, on every channel', () => {
    fc.assert(
      fc.property(loopingGraph, (g) => {
        const r = compile(g.graph, generatedRefs);
        if (!r.ok) return;
        for (const ch of channels) {
          expect(r.value.maxMessages[ch]).not.toBeNull();
          expect(Number.isFinite(r.value.maxMessages[ch])).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('compile refuses a graph exactly when a loop can send without passing a loop limit, and only for that', () => {
    let refused = 0;
    fc.assert(
      fc.property(loopingGraph, (g) => {
        const r = compile(g.graph, generatedRefs);
        const unbounded = hasUnboundedSendLoop(g);
        expect(r.ok).toBe(!unbounded);
        if (!r.ok) {
          refused++;
          // located on an edge of the graph, between two nodes of the loop it names
          for (const e of r.errors) {
            expect(e.code).toBe('unbounded_send_loop');
            const edge = g.graph.edges.find((x) => x.id === e.edgeId);
            expect(edge).toBeDefined();
            expect(e.params?.nodes).toEqual(expect.arrayContaining([edge?.source, edge?.target]));
          }
        }
      }),
      { numRuns: 400 },
    );
    // the generator does make unbounded loops, or this property proves nothing
    expect(refused).toBeGreaterThan(0);
  });
});

describe('properties of step', () => {
  const journeyAndScenario = fc.record({ g: validGraph, s: scenario });

  it('(b) never throws and is deterministic: the same inputs replayed give identical runs and effects', () => {
    fc.assert(
      fc.property(journeyAndScenario, ({ g, s }) => {
        const first = simulate(machineOf(g), s);
        const second = simulate(machineOf(g), s);
        expect(second).toEqual(first);
      }),
      { numRuns: 150 },
    );
  });

  it('(c) every step ends waiting or exited, unless nothing happened; a waiting run can always be woken', () => {
    fc.assert(
      fc.property(journeyAndScenario, ({ g, s }) => {
        const machine = machineOf(g);
        for (const { before, result } of simulate(machine, s)) {
          const nothing = result.run === before && result.effects.length === 0;
          if (!nothing) expect(['waiting', 'exited']).toContain(result.run.status);
          if (result.run.status === 'waiting') expect(result.run.wakeAt !== null || result.run.waitingFor !== null).toBe(true);
          if (before.status === 'exited') expect(nothing).toBe(true);
          expect(result.run.visit).toBeGreaterThanOrEqual(before.visit);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('one step passes through each node at most once and never needs a safety exit', () => {
    fc.assert(
      fc.property(journeyAndScenario, ({ g, s }) => {
        const machine = machineOf(g);
        for (const { result } of simulate(machine, s)) {
          // a wait may be entered a second time in one step (a loop came back round), but then it holds the run
          const left = result.effects.flatMap((e) => (e.type === 'metric' && e.metric === 'edge' ? [e.nodeId] : []));
          expect(new Set(left).size).toBe(left.length);
          expect(result.run.exitReason ?? '').not.toMatch(/^(hop_limit|port_unwired|node_missing|no_wake_time|error:)/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a send whose failed port is wired holds its run for the outcome; unwired, the run never waits for one', () => {
    fc.assert(
      fc.property(journeyAndScenario, ({ g, s }) => {
        const machine = machineOf(g);
        for (const { result } of simulate(machine, s)) {
          const routed = effectsOf(result.effects, 'send').filter((e) => machine.nodes[e.nodeId]?.next.failed !== undefined);
          // such a send ends the step: the run waits at that node, for that message
          for (const e of routed) expect(result.run).toMatchObject({ nodeId: e.nodeId, visit: e.visit, status: 'waiting', waitingFor: awaitingMessage });
          if (result.run.waitingFor === awaitingMessage) expect(machine.nodes[result.run.nodeId]?.next.failed).toBeDefined();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('(d) no send fires twice for one (node, visit), and sends stay within the static bound', () => {
    fc.assert(
      fc.property(journeyAndScenario, ({ g, s }) => {
        const machine = machineOf(g);
        const sends = allEffects(simulate(machine, s)).filter((e) => e.type === 'send');
        const keys = sends.map((e) => `${e.nodeId}#${e.visit}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const ch of channels) {
          const bound = machine.maxMessages[ch];
          if (bound !== null) expect(sends.filter((e) => e.channel === ch).length).toBeLessThanOrEqual(bound);
        }
      }),
      { numRuns: 150 },
    );
  });
});
