import type { NodeChange } from '@xyflow/react';

/**
 * With Numbers on, each node carries a strip of figures below it, about as
 * tall as the node: nodes placed one under another as usual would cover each
 * other's numbers. So while the overlay shows, the canvas spreads the nodes
 * apart vertically (about the top node) by this factor, for display only: the
 * saved layout is untouched, and a node dragged meanwhile is saved where it
 * would be without the spread.
 */
export const OVERLAY_SPREAD = 1.7;

/** The y the canvas shows for a saved y, the spread taken about `top`. */
export const spreadY = (y: number, top: number, factor = OVERLAY_SPREAD): number => top + (y - top) * factor;
/** The saved y for a y the canvas shows. */
export const unspreadY = (y: number, top: number, factor = OVERLAY_SPREAD): number => top + (y - top) / factor;

/** The nodes as the canvas shows them with the overlay on: the same objects when off. */
export function spreadNodes<N extends { position: { x: number; y: number } }>(nodes: N[], on: boolean, top: number): N[] {
  if (!on) return nodes;
  return nodes.map((n) => ({ ...n, position: { x: n.position.x, y: spreadY(n.position.y, top) } }));
}

/** A drag on the spread canvas, as a change to the saved layout. */
export function unspreadChanges<C extends NodeChange>(changes: C[], on: boolean, top: number): C[] {
  if (!on) return changes;
  return changes.map((c) => (c.type === 'position' && c.position ? { ...c, position: { x: c.position.x, y: unspreadY(c.position.y, top) } } : c));
}
