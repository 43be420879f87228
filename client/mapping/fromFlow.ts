import type { GraphEdge, GraphNode, JourneyGraph } from '../../shared/journey/graph';
import type { JourneySettings } from '../../shared/journey/settings';
import type { JourneyFlow, JourneyFlowEdge, JourneyFlowNode } from './flowTypes';

/** A canvas node back to its stored form; view state (selection, measured size) is dropped. */
export function nodeFromFlow(node: JourneyFlowNode): GraphNode {
  const { kind, title, config } = node.data;
  return {
    id: node.id,
    kind,
    ...(title !== undefined ? { title } : {}),
    position: { x: node.position.x, y: node.position.y },
    config,
  };
}

/** A canvas edge back to its stored form; a missing handle is the default `next` port. */
export function edgeFromFlow(edge: JourneyFlowEdge): GraphEdge {
  return { id: edge.id, source: edge.source, sourcePort: edge.sourceHandle ?? 'next', target: edge.target };
}

/** React Flow nodes and edges (+ the settings the canvas doesn't draw) → JourneyGraph. Pure. */
export function fromFlow(flow: JourneyFlow, settings: JourneySettings): JourneyGraph {
  return { nodes: flow.nodes.map(nodeFromFlow), edges: flow.edges.map(edgeFromFlow), settings };
}
