import type { ZundoOptions } from 'zundo';
import type { JourneySettings } from '../../shared/journey/settings';
import type { JourneyFlowEdge, JourneyFlowNode } from '../mapping/flowTypes';
import type { EditorState } from './createEditorStore';

/** What undo/redo restore: the graph. Selection, save status and problems are not history. */
export interface HistoryState {
  nodes: JourneyFlowNode[];
  edges: JourneyFlowEdge[];
  settings: JourneySettings;
}

/** A node's content, without view state (selection, drag, measured size). */
function nodeContent(n: JourneyFlowNode): unknown {
  return [n.id, n.type, n.position.x, n.position.y, n.data];
}

function edgeContent(e: JourneyFlowEdge): unknown {
  return [e.id, e.source, e.sourceHandle, e.target];
}

/** True when two graphs are the same journey (view state aside): no history entry for a click or a re-measure. */
export function sameGraph(a: Partial<HistoryState>, b: Partial<HistoryState>): boolean {
  return a.settings === b.settings && a.nodes?.length === b.nodes?.length && a.edges?.length === b.edges?.length && sameItems(a, b);
}

function sameItems(a: Partial<HistoryState>, b: Partial<HistoryState>): boolean {
  if (a.nodes === b.nodes && a.edges === b.edges) return true;
  return JSON.stringify(a.nodes?.map(nodeContent)) === JSON.stringify(b.nodes?.map(nodeContent)) && JSON.stringify(a.edges?.map(edgeContent)) === JSON.stringify(b.edges?.map(edgeContent));
}

/** Restored nodes come back unselected: a selection from the past would be confusing. */
const unselect = <T extends { selected?: boolean }>(x: T): T => (x.selected ? { ...x, selected: false } : x);

export const historyOptions: ZundoOptions<EditorState, HistoryState> = {
  partialize: (s) => ({ nodes: s.nodes.map(unselect), edges: s.edges.map(unselect), settings: s.settings }),
  equality: sameGraph,
  limit: 200,
};
