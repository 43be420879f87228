import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import type { StateCreator } from 'zustand';
import type { JourneyGraph } from '../../../shared/journey/graph';
import { defaultSettings, type JourneySettings } from '../../../shared/journey/settings';
import type { JourneyFlowEdge, JourneyFlowNode } from '../../mapping/flowTypes';
import { toFlow } from '../../mapping/toFlow';
import { fromFlow } from '../../mapping/fromFlow';
import { layoutNodes, needsLayout } from '../../mapping/layout';
import type { EditorState } from '../createEditorStore';

/**
 * Changes a read-only canvas still accepts: React Flow measuring nodes and the
 * user selecting one. The editor issue widens this to position/add/remove.
 */
const readOnlyChanges = new Set<NodeChange['type']>(['dimensions', 'select']);

export interface GraphSlice {
  nodes: JourneyFlowNode[];
  edges: JourneyFlowEdge[];
  settings: JourneySettings;
  readOnly: boolean;
  /** The stored graph last loaded, so a refetch of the same data doesn't reset the canvas. */
  loadedFrom: JourneyGraph | null;
  /** Replace the canvas with a stored graph; lays it out when its positions overlap. */
  loadGraph(graph: JourneyGraph): void;
  onNodesChange(changes: NodeChange<JourneyFlowNode>[]): void;
  selectNode(id: string | null): void;
  /** The canvas as the API stores it. */
  toGraph(): JourneyGraph;
}

/** The slice's data for a stored graph (laid out when its positions overlap). */
export function graphState(graph: JourneyGraph): Pick<GraphSlice, 'nodes' | 'edges' | 'settings' | 'loadedFrom'> {
  const flow = toFlow(graph);
  const nodes = needsLayout(graph.nodes) ? layoutNodes(flow.nodes, graph.edges) : flow.nodes;
  return { nodes, edges: flow.edges, settings: graph.settings, loadedFrom: graph };
}

export const createGraphSlice: StateCreator<EditorState, [], [], GraphSlice> = (set, get) => ({
  nodes: [],
  edges: [],
  settings: defaultSettings(),
  readOnly: true,
  loadedFrom: null,
  loadGraph(graph) {
    set(graphState(graph));
  },
  onNodesChange(changes) {
    const allowed = get().readOnly ? changes.filter((c) => readOnlyChanges.has(c.type)) : changes;
    if (allowed.length > 0) set({ nodes: applyNodeChanges(allowed, get().nodes) });
  },
  selectNode(id) {
    set({ nodes: get().nodes.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })) });
  },
  toGraph() {
    const { nodes, edges, settings } = get();
    return fromFlow({ nodes, edges }, settings);
  },
});
