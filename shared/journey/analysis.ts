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

/**
 * Per channel, the most sends on any path from `entry`; null when a loop holds
 * a send of that channel (the bound then depends on how often it loops).
 */
export function messageBound(entry: string, ids: readonly string[], adj: Adjacency, sendsOf: (id: string) => Channel | null): MessageBound {
  const comps = stronglyConnected(ids, adj); // reverse topological: successors come first
  const compOf = new Map<string, number>();
  comps.forEach((c, i) => c.forEach((id) => compOf.set(id, i)));
  const best: MessageBound[] = [];
  comps.forEach((comp, i) => {
    const loops = isCycle(comp, adj);
    const own = Object.fromEntries(channels.map((ch) => [ch, 0])) as Record<Channel, number>;
    for (const id of comp) {
      const ch = sendsOf(id);
      if (ch) own[ch] += 1;
    }
    const after = Object.fromEntries(channels.map((ch) => [ch, 0])) as MessageBound;
    for (const id of comp)
      for (const t of adj.get(id) ?? []) {
        const j = compOf.get(t) as number;
        if (j === i) continue;
        for (const ch of channels) {
          const a = after[ch];
          const b = (best[j] as MessageBound)[ch];
          after[ch] = a === null || b === null ? null : Math.max(a, b);
        }
      }
    const mine = {} as MessageBound;
    for (const ch of channels) {
      const a = after[ch];
      mine[ch] = loops && own[ch] > 0 ? null : a === null ? null : a + own[ch];
    }
    best[i] = mine;
  });
  return best[compOf.get(entry) as number] as MessageBound;
}
