import { nodeTitle, type GraphEdge, type GraphNode, type JourneyGraph } from '../../shared/journey/graph';
import { nodeKinds, type NodeKind } from '../../shared/journey/registry';
import type { JourneyFlow, JourneyFlowEdge, JourneyFlowNode } from './flowTypes';
import { portLabel } from './ports';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';

/**
 * The accessible name of a node on the canvas, "<kind>: <title>" (e.g.
 * "Wait for event: Logged in within 3 days?"): React Flow puts it on the
 * focusable element that keyboard users Tab to. In English: the canvas words
 * it in the reader's language (client/canvas/nodeAria.ts).
 */
export const nodeAriaLabel = (kind: NodeKind, title: string | undefined): string => `${nodeKinds[kind].palette.label}: ${nodeTitle({ kind, title })}`;

/** A stored node as a canvas node: `type` is the kind, so React Flow picks that kind's component. */
export function nodeToFlow(node: GraphNode): JourneyFlowNode {
  // TypeScript can't tie `type` to `data.kind` across the kind union; both come from node.kind
  return {
    id: node.id,
    type: node.kind,
    position: { x: node.position.x, y: node.position.y },
    // drawn at once at the size a node nearly always has, instead of hidden until measured;
    // React Flow measures it right after and the edges settle on the real size
    initialWidth: NODE_WIDTH,
    initialHeight: NODE_HEIGHT,
    data: { kind: node.kind, title: node.title, config: node.config },
    ariaLabel: nodeAriaLabel(node.kind, node.title),
  } as JourneyFlowNode;
}

/** A stored edge as a canvas edge: the port is the source handle; its label is the port's label. */
export function edgeToFlow(edge: GraphEdge, source: GraphNode | undefined): JourneyFlowEdge {
  const { label, labelKey } = source ? portLabel(source.kind, source.config, edge.sourcePort) : { label: edge.sourcePort, labelKey: undefined };
  return {
    id: edge.id,
    type: 'port',
    source: edge.source,
    sourceHandle: edge.sourcePort,
    target: edge.target,
    ...(label ? { label } : {}),
    ...(labelKey ? { labelKey } : {}),
  };
}

/** JourneyGraph → React Flow nodes and edges. Pure; `fromFlow` inverts it. */
export function toFlow(graph: Pick<JourneyGraph, 'nodes' | 'edges'>): JourneyFlow {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return {
    nodes: graph.nodes.map(nodeToFlow),
    edges: graph.edges.map((e) => edgeToFlow(e, byId.get(e.source))),
  };
}
