import type { StateCreator } from 'zustand';
import type { EditorState } from '../createEditorStore';

/** The numbers ops read on a node: how many entered, wait there now, were sent, converted. */
export interface NodeOverlay {
  entered: number;
  waiting: number;
  sent?: number;
  converted: number;
  /** true at an exit: everyone there has left, so "converted" would only mislead and is not shown */
  noConversion?: boolean;
  /** converted ÷ entered, 0..1; drives the node's colour on the conversion scale */
  conversionRate: number | null;
  /**
   * Present when these are a backtest's numbers (the draft replayed over past
   * events), never live ones: the node draws them in the backtest's colour,
   * with what the policy withheld and who left there.
   */
  backtest?: { withheld: number; exited: number };
}

export interface OverlaySlice {
  /** null: the overlay is off */
  overlay: Record<string, NodeOverlay> | null;
  /** edge id → contacts who took it */
  edgeCounts: Record<string, number> | null;
  setOverlay: (nodes: Record<string, NodeOverlay> | null, edges?: Record<string, number> | null) => void;
}

export const createOverlaySlice: StateCreator<EditorState, [['temporal', unknown]], [], OverlaySlice> = (set) => ({
  overlay: null,
  edgeCounts: null,
  setOverlay: (overlay, edges = null) => set({ overlay, edgeCounts: edges }),
});
