import { channels, type Channel } from './channels';
import type { MessageBound } from './machine';

/** Adjacency of a graph over node ids: id → target ids (may repeat). */
export type Adjacency = ReadonlyMap<string, readonly string[]>;

/** Ids reachable from `start`, itself included. */
export function reachableFrom(start: string, adj: Adjacency): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    for (const t of adj.get(stack.pop() as string) ?? []) {
      if (!seen.has(t)) {
        seen.add(t);
        stack.push(t);
      }
    }
  }
  return seen;
}

/**
 * Strongly connected components (Tarjan, iterative so a 2000-node chain does
 * not blow the stack), in reverse topological order. `ids` fixes the visiting
 * order, so the output is deterministic.
 */
export function stronglyConnected(ids: readonly string[], adj: Adjacency): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1] as { v: string; i: number };
      const succ = adj.get(frame.v) ?? [];
      if (frame.i < succ.length) {
        const w = succ[frame.i++] as string;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v) as number, low.get(frame.v) as number));
      if (low.get(frame.v) === index.get(frame.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          comp.push(w);
        } while (w !== frame.v);
        out.push(comp.sort());
      }
    }
  }
  return out;
}

/** True when the component loops: more than one node, or a node wired to itself. */
export function isCycle(comp: readonly string[], adj: Adjacency): boolean {
  const only = comp[0];
  return comp.length > 1 || (only !== undefined && (adj.get(only) ?? []).includes(only));
}

/** A node's loop limit: how many times a run may pass it (null: no limit). */
export type LimitOf = (id: string) => number | null;

/**
 * The most `weight` a run can collect on any walk from each node; null where
 * a loop can collect weight without passing a limited node (unbounded).
 *
 * A loop (a strongly connected component) that passes limited nodes is
 * walked in segments that each start at one of them: with limits N1…Nk the
 * run passes them at most N1+…+Nk times (one more arrival leaves the
 * journey), so it walks at most that many segments plus the one before the
 * first pass, each no heavier than the heaviest walk through the component
 * without its limited nodes (one limited node's weight included). A coarse
 * bound, but a sound one; a loop that collects nothing needs no limit.
 *
 * `loops` collects the components (node ids, sorted) that are unbounded:
 * a cycle of weight that no limit cuts. Deterministic for given ids and adj.
 */
export function walkBounds(ids: readonly string[], adj: Adjacency, weight: (id: string) => number, limit: LimitOf, loops: string[][] = []): Map<string, number | null> {
  const best = new Map<string, number | null>();
  const comps = stronglyConnected(ids, adj); // reverse topological: successors come first
  const compOf = new Map<string, number>();
  comps.forEach((c, i) => c.forEach((id) => compOf.set(id, i)));
  const plus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b);
  const max = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.max(a, b));
  comps.forEach((comp, i) => {
    // what comes after the component: the heaviest walk from any node it leads to
    let after: number | null = 0;
    for (const id of comp) for (const t of adj.get(id) ?? []) if (compOf.get(t) !== i && best.has(t)) after = max(after, best.get(t) as number | null);
    if (!isCycle(comp, adj)) {
      best.set(comp[0] as string, plus(weight(comp[0] as string), after));
      return;
    }
    const limited = comp.filter((id) => limit(id) !== null);
    let inLoop: number | null;
    if (limited.length === 0) {
      const heavy = comp.some((id) => weight(id) > 0);
      if (heavy) loops.push(comp);
      inLoop = heavy ? null : 0;
    } else {
      // the component without its limited nodes: its own loops must be bounded (or weightless) in turn
      const cut = new Set(limited);
      const rest = comp.filter((id) => !cut.has(id));
      const restAdj = new Map(rest.map((id) => [id, (adj.get(id) ?? []).filter((t) => compOf.get(t) === i && !cut.has(t))]));
      let segment: number | null = 0;
      for (const b of walkBounds(rest, restAdj, weight, limit, loops).values()) segment = max(segment, b);
      const heaviestLimited = Math.max(...limited.map(weight));
      const passes = limited.reduce((n, id) => n + (limit(id) as number), 0);
      inLoop = segment === null ? null : (passes + 1) * (segment + heaviestLimited);
    }
    const mine = plus(inLoop, after);
    for (const id of comp) best.set(id, mine);
  });
  return best;
}

/**
 * Per channel, the most sends on any walk from `entry`, loops counted up to
 * their limits; null when a loop holds a send of that channel and no limit
 * (compile refuses such a graph, so a published version has none).
 */
export function messageBound(entry: string, ids: readonly string[], adj: Adjacency, sendsOf: (id: string) => Channel | null, limit: LimitOf = () => null): MessageBound {
  const out = {} as MessageBound;
  for (const ch of channels) out[ch] = walkBounds(ids, adj, (id) => (sendsOf(id) === ch ? 1 : 0), limit).get(entry) ?? 0;
  return out;
}

/**
 * The edge that closes a loop: the first edge, in a depth-first walk of the
 * loop's nodes from the one nearest the entry, that leads back to a node
 * still on the walk. `order` ranks nodes by distance from the entry.
 */
export function closingEdge(loop: readonly string[], adj: Adjacency, order: ReadonlyMap<string, number>): [string, string] | null {
  const inLoop = new Set(loop);
  const start = [...loop].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b))[0];
  if (start === undefined) return null;
  const onWalk = new Set<string>([start]);
  const seen = new Set<string>([start]);
  const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
  while (work.length) {
    const frame = work[work.length - 1] as { v: string; i: number };
    const succ = (adj.get(frame.v) ?? []).filter((t) => inLoop.has(t));
    if (frame.i >= succ.length) {
      onWalk.delete(frame.v);
      work.pop();
      continue;
    }
    const t = succ[frame.i++] as string;
    if (onWalk.has(t)) return [frame.v, t];
    if (seen.has(t)) continue;
    seen.add(t);
    onWalk.add(t);
    work.push({ v: t, i: 0 });
  }
  return null;
}

/** Breadth-first distance of every node reachable from `start`. */
export function distanceFrom(start: string, adj: Adjacency): Map<string, number> {
  const d = new Map<string, number>([[start, 0]]);
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q] as string;
    for (const t of adj.get(v) ?? [])
      if (!d.has(t)) {
        d.set(t, (d.get(v) as number) + 1);
        queue.push(t);
      }
  }
  return d;
}
