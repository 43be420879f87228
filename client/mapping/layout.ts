import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from '../../shared/journey/graph';
import { isNodeKind } from '../../shared/journey/registry';
import { parseNodeConfig } from './ports';

/** Layout box of a node on the canvas; NodeShell is drawn at this width. */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 100;
/** A node placed at a point is centred on it horizontally: its left edge goes this far left of the point. */
export const NODE_HALF_WIDTH = NODE_WIDTH / 2;

/**
 * True when stored positions can't be shown as they are: two nodes share a
 * spot (e.g. a graph written by hand or by an API client, all at 0,0).
 */
export function needsLayout(nodes: readonly Pick<GraphNode, 'position'>[]): boolean {
  const seen = new Set<string>();
  for (const n of nodes) {
    const key = `${Math.round(n.position.x / 20)}:${Math.round(n.position.y / 20)}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** A node as the layout reads it: a stored node (kind, config) or a canvas node (data.kind, data.config). */
type LaidNode = Pick<GraphNode, 'id' | 'position'> & { kind?: string; config?: unknown; data?: { kind: string; config: unknown } };
type LaidEdge = Pick<GraphEdge, 'source' | 'target'> & { sourcePort?: string; sourceHandle?: string | null };

/** The node's output ports in the registry's order (left to right on the node), or [] when its config does not parse. */
function portOrderOf(n: LaidNode): string[] {
  const kind = n.data?.kind ?? n.kind;
  if (!kind || !isNodeKind(kind)) return [];
  const parsed = parseNodeConfig(kind, n.data?.config ?? n.config);
  return parsed.ok ? parsed.ports.map((p) => p.id) : [];
}

/** What dagre keeps on the dummy nodes it puts along an edge that spans several ranks. */
interface InternalLabel {
  rank?: number;
  dummy?: string;
  edgeObj?: { v: string; w: string };
}

/** What the constraints read of dagre's internal graph (typed here: its graphlib types do not resolve for the linter). */
interface OrderGraph {
  hasNode: (v: string) => boolean;
  node: (v: string) => InternalLabel;
  outEdges: (v: string) => { v: string; w: string }[] | undefined;
}

/** True when `to` can already be reached from `from` in the constraint graph (adding from → to's reverse would close a cycle). */
function reaches(after: Map<string, Set<string>>, from: string, to: string): boolean {
  const stack = [from];
  const seen = new Set<string>();
  while (stack.length) {
    const v = stack.pop() as string;
    if (v === to) return true;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const w of after.get(v) ?? []) stack.push(w);
  }
  return false;
}

/**
 * Left-of constraints that keep each node's port order in the rank below it:
 * the first hop of the edge from port 0 (the target itself, or dagre's dummy
 * on a long edge) left of port 1's, and so on. A constraint that would
 * contradict earlier ones (two nodes wanting the same pair in opposite
 * orders) is dropped: dagre's constraint graph must stay acyclic.
 */
function portConstraints(g: OrderGraph, portIndex: Map<string, Map<string, number>>): { left: string; right: string }[] {
  const out: { left: string; right: string }[] = [];
  const after = new Map<string, Set<string>>();
  for (const [source, byTarget] of portIndex) {
    if (!g.hasNode(source)) continue;
    const rank = g.node(source).rank;
    const hops: { hop: string; index: number }[] = [];
    for (const e of g.outEdges(source) ?? []) {
      const label = g.node(e.w);
      if (label.rank !== (rank ?? 0) + 1) continue;
      // a dummy stands for the original edge it belongs to; a reversed (cycle-closing) edge has none here
      const target = label.dummy === 'edge' ? label.edgeObj?.w : e.w;
      const index = target === undefined ? undefined : byTarget.get(target);
      if (index !== undefined && !hops.some((h) => h.hop === e.w)) hops.push({ hop: e.w, index });
    }
    hops.sort((a, b) => a.index - b.index);
    for (let i = 1; i < hops.length; i++) {
      const left = hops[i - 1]?.hop as string;
      const right = hops[i]?.hop as string;
      if (reaches(after, right, left)) continue;
      out.push({ left, right });
      if (!after.has(left)) after.set(left, new Set());
      after.get(left)?.add(right);
    }
  }
  return out;
}

/**
 * Top-to-bottom layered layout (dagre), entry at the top. Returns new nodes;
 * edges are only read. A node's ports sit left to right in the registry's
 * order (wait for event: event, then timeout; a split: its arms in order), so
 * the nodes they lead to are kept in that order in the rank below: tidying up
 * never crosses a node's own edges.
 */
export function layoutNodes<N extends LaidNode>(nodes: readonly N[], edges: readonly LaidEdge[]): N[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  // source → target → the lowest port index that leads there
  const portIndex = new Map<string, Map<string, number>>();
  const ports = new Map(nodes.map((n) => [n.id, portOrderOf(n)]));
  for (const e of edges) {
    if (!g.hasNode(e.source) || !g.hasNode(e.target)) continue;
    g.setEdge(e.source, e.target);
    const port = e.sourcePort ?? e.sourceHandle ?? 'next';
    const index = ports.get(e.source)?.indexOf(port) ?? -1;
    if (index < 0) continue;
    const byTarget = portIndex.get(e.source) ?? new Map<string, number>();
    byTarget.set(e.target, Math.min(index, byTarget.get(e.target) ?? index));
    portIndex.set(e.source, byTarget);
  }
  dagre.layout(g, {
    // dagre's crossing minimisation, with the port order as left-of constraints on the rank below each node
    customOrder: (internal, order) => order(internal, { constraints: portConstraints(internal as unknown as OrderGraph, portIndex) }),
  });
  return nodes.map((n) => {
    // dagre.layout wrote the node's centre into its label
    const p = g.node(n.id) as { x: number; y: number };
    return { ...n, position: { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) } };
  });
}
