import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from '../../shared/journey/graph';

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

/** Top-to-bottom layered layout (dagre), entry at the top. Returns new nodes; edges are only read. */
export function layoutNodes<N extends Pick<GraphNode, 'id' | 'position'>>(nodes: readonly N[], edges: readonly Pick<GraphEdge, 'source' | 'target'>[]): N[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    // dagre.layout wrote the node's centre into its label
    const p = g.node(n.id) as { x: number; y: number };
    return { ...n, position: { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) } };
  });
}
