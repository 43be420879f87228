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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** What differs between two values: nothing (undefined), one typed leaf (its path), or something else (null). */
function diffLeaf(a: unknown, b: unknown, path: string): string | null | undefined {
  if (Object.is(a, b)) return undefined;
  const typed = (v: unknown) => typeof v === 'string' || typeof v === 'number';
  if (typed(a) && typed(b) && typeof a === typeof b) return path;
  if (!isRecord(a) || !isRecord(b) || Array.isArray(a) !== Array.isArray(b)) return null;
  let found: string | undefined = undefined;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    // a key that appears or vanishes is a change of shape, not a keystroke
    if (!(k in a) || !(k in b)) return null;
    const d = diffLeaf(a[k], b[k], path ? `${path}.${k}` : k);
    if (d === undefined) continue;
    if (d === null || found !== undefined) return null;
    found = d;
  }
  return found;
}

/**
 * The one typed value that differs between two versions of a config or the
 * settings (`timeout.amount`, `arms.0.label`), or null when the change is
 * anything else (a choice that adds or removes fields, an item added, two
 * values at once, a flag ticked) or nothing. Keystrokes in one text or
 * number field change the same leaf, so the editor records them as one undo step.
 */
export function changedLeaf(a: unknown, b: unknown): string | null {
  return diffLeaf(a, b, '') ?? null;
}
