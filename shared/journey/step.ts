import type { Effect } from './effects';
import type { Outcome, StepEnv } from './kind';
import type { MachineNode } from './machine';
import { kindDef } from './registry';
import { ContactNotLoaded, JourneyFault } from './errors';
import { awaitingMessage, type Run, type StepContext, type StepInput } from './run';
import { matchesFilters, withTrait, type Profile } from '../segments/evaluate';
import { loopLimitReason } from './loops';

export interface StepResult {
  run: Run;
  effects: Effect[];
}

/** A node the chain reached in this call, with the state to rewind to if a loop closes behind it. */
interface Arrival {
  node: MachineNode;
  run: Run;
  profile: Profile;
  /** effects emitted up to and including this arrival's `entered` metric */
  effectsAt: number;
}

/**
 * Advance one run by one input. Pure: `ctx` carries the machine, the clock
 * reading, a keyed RNG, the contact's profile and the policy verdicts; the
 * result is the new run plus effects as data. Never throws for a run or an
 * input: a node's rule that throws ends that run. Only a `JourneyFault` (the
 * machine, or a template it names, is broken for every run alike) comes
 * through, for the runner to mark the journey errored, and a
 * `ContactNotLoaded` from a context without its contact, for the caller to
 * load it and step again.
 *
 * - `start` moves a fresh run from its entry node;
 * - `timer` acts when the run waits and `ctx.now` has reached `wakeAt`;
 * - `event` wakes a `wait.event` node waiting for it, else ends the run
 *   when it matches an exit criterion;
 * - `message` gives a send node that waits for its message's outcome
 *   (`awaitingMessage`) the status the outbox settled it at.
 *
 * Instant nodes chain within one call until the run waits or exits, passing
 * each node at most once; compile forbids loops without a wait, and a hop
 * limit guards anyway.
 */
export function step(run: Run, input: StepInput, ctx: StepContext): StepResult {
  if (run.status === 'exited') return { run, effects: [] };
  const node = ctx.machine.nodes[run.nodeId];
  if (!node) return finish(run, { type: 'exit', reason: 'node_missing' }, [], ctx);

  const effects: Effect[] = [];
  let outcome: Outcome | null = null;
  let env: StepEnv = { run, nodeId: node.id, ctx };
  const def = defOf(node);
  try {
    switch (input.type) {
      case 'start':
        if (run.status !== 'active') break;
        effects.push({ type: 'metric', metric: 'entered', nodeId: node.id, visit: run.visit });
        outcome = def.enter(node.config, env);
        break;
      case 'timer':
        if (run.status !== 'waiting' || run.wakeAt === null || ctx.now < run.wakeAt) break;
        outcome = def.onTimer?.(node.config, env) ?? null;
        break;
      case 'event': {
        const ev = input.event;
        // the event a run waits for takes its own port first (a "completed" branch counts), then exit criteria apply
        if (run.status === 'waiting' && run.waitingFor === ev.name) outcome = def.onEvent?.(node.config, env, ev) ?? null;
        const exit = outcome ? undefined : ctx.machine.settings.exitCriteria.find((c) => c.event === ev.name && matchesFilters(ev.properties, c.filter));
        if (exit) outcome = { type: 'exit', reason: `exit_criteria:${exit.event}` };
        break;
      }
      case 'message':
        if (run.status === 'waiting' && run.waitingFor === awaitingMessage) outcome = def.onMessage?.(node.config, env, input.status) ?? null;
        break;
    }
    if (!outcome) return { run, effects };

    // A chain passes each node at most once per call. Compile puts a wait in every loop, but a
    // `wait.until` inside its window lets the run straight through; when the chain comes back
    // round without the clock moving, the run holds at that wait instead of going round again.
    const maxHops = hopLimit(ctx.machine.nodes);
    let current: MachineNode = node;
    let profile = ctx.profile;
    const trail: Arrival[] = [{ node, run, profile, effectsAt: effects.length }];
    for (let hop = 0; ; hop++) {
      for (const e of outcome.effects ?? []) {
        effects.push(e);
        if (e.type === 'setTrait') profile = withTrait(profile, e.trait, e.value);
      }
      if (outcome.type !== 'go') return finish(env.run, outcome, effects, ctx);
      const target = current.next[outcome.port];
      const targetNode = target === undefined ? undefined : ctx.machine.nodes[target];
      if (!targetNode || hop >= maxHops) return finish(env.run, { type: 'exit', reason: targetNode ? 'hop_limit' : 'port_unwired' }, effects, ctx);

      // Back at a node this call already acted on? A wait re-entered as `looped` holds by itself;
      // for an instant node, rewind to the wait the run passed since and re-enter that as looped.
      const before = lastArrival(trail, targetNode.id);
      const holdAt = before < 0 || isWait(targetNode) ? -1 : trail.findLastIndex((a, i) => i > before && isWait(a.node));
      if (holdAt >= 0) {
        const at = trail[holdAt] as Arrival;
        trail.length = holdAt + 1;
        effects.length = at.effectsAt;
        current = at.node;
        profile = at.profile;
        env = { run: at.run, nodeId: current.id, ctx: profile === ctx.profile ? ctx : { ...ctx, profile }, looped: true };
        outcome = defOf(current).enter(current.config, env);
        continue;
      }

      effects.push({ type: 'metric', metric: 'edge', nodeId: current.id, port: outcome.port });
      let moved: Run = { ...env.run, nodeId: targetNode.id, visit: env.run.visit + 1, status: 'active', wakeAt: null, waitingFor: null, nodeEnteredAt: ctx.now };
      effects.push({ type: 'metric', metric: 'entered', nodeId: targetNode.id, visit: moved.visit });
      // a loop limit counts the run's passes; one arrival more than it allows leaves the journey here
      const limit = defOf(targetNode).maxVisits?.(targetNode.config) ?? null;
      if (typeof limit === 'number') {
        const passes = (env.run.laps?.[targetNode.id] ?? 0) + 1;
        moved = { ...moved, laps: { ...env.run.laps, [targetNode.id]: passes } };
        if (passes > limit) return finish(moved, { type: 'exit', reason: loopLimitReason }, effects, ctx);
      }
      current = targetNode;
      env = { run: moved, nodeId: current.id, ctx: profile === ctx.profile ? ctx : { ...ctx, profile }, looped: before >= 0 };
      trail.push({ node: current, run: moved, profile, effectsAt: effects.length });
      outcome = defOf(current).enter(current.config, env);
    }
  } catch (e) {
    if (e instanceof JourneyFault || e instanceof ContactNotLoaded) throw e;
    // a kind's rule threw on data compile could not foresee (e.g. an unknown time zone): end the run, never the batch
    return finish(env.run, { type: 'exit', reason: `error:${e instanceof Error ? e.message : String(e)}`.slice(0, 200) }, effects, ctx);
  }
}

/** The longest chain one call can walk: every node once, plus one. Counted once per machine, not on every step. */
const hopLimits = new WeakMap<Record<string, MachineNode>, number>();
function hopLimit(nodes: Record<string, MachineNode>): number {
  let n = hopLimits.get(nodes);
  if (n === undefined) hopLimits.set(nodes, (n = Object.keys(nodes).length + 1));
  return n;
}

/** Where the chain last arrived at `nodeId`, or -1. A loop, not findLastIndex: a closure built per hop costs more than the search. */
function lastArrival(trail: readonly Arrival[], nodeId: string): number {
  for (let i = trail.length - 1; i >= 0; i--) if ((trail[i] as Arrival).node.id === nodeId) return i;
  return -1;
}

/** Whether a node holds a run (a wait kind). Module level: a closure built per hop costs more than the check. */
const isWait = (n: MachineNode): boolean => defOf(n).role === 'wait';

/** The node's kind; a machine naming a kind this code does not know is broken for every run in it. */
function defOf(n: MachineNode) {
  const def = kindDef(n.kind) as ReturnType<typeof kindDef> | undefined;
  if (def === undefined) throw new JourneyFault(`node "${n.id}" is of kind "${n.kind}", which this server does not know`);
  return def;
}

function finish(run: Run, outcome: Exclude<Outcome, { type: 'go' }>, effects: Effect[], ctx: StepContext): StepResult {
  if (outcome.type === 'exit') {
    effects.push({ type: 'exit', nodeId: run.nodeId, reason: outcome.reason });
    return { run: { ...run, status: 'exited', wakeAt: null, waitingFor: null, exitReason: outcome.reason }, effects };
  }
  const until = outcome.until !== null && Number.isFinite(outcome.until) ? Math.max(outcome.until, ctx.now) : null;
  // nothing could ever wake such a run (the runner claims by wake time or awaited event): end it instead of stranding it
  if (until === null && outcome.event === undefined) return finish(run, { type: 'exit', reason: 'no_wake_time' }, effects, ctx);
  if (outcome.event !== undefined) effects.push({ type: 'waitFor', nodeId: run.nodeId, event: outcome.event, until });
  else if (until !== null) effects.push({ type: 'wakeAt', nodeId: run.nodeId, at: until });
  return { run: { ...run, status: 'waiting', wakeAt: until, waitingFor: outcome.event ?? null }, effects };
}
