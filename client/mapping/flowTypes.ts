import type { Edge, Node } from '@xyflow/react';
import type { NodeKind } from '../../shared/journey/registry';

/**
 * What a canvas node carries. The config stays as the draft stored it (it may
 * not parse yet: a draft with mistakes still renders); components parse it
 * with the kind's schema for display.
 */
export type JourneyNodeData<K extends NodeKind = NodeKind> = {
  kind: K;
  title: string | undefined;
  config: Record<string, unknown>;
};

/** A React Flow node whose `type` is the journey node kind (one component per kind). */
export type JourneyFlowNode<K extends NodeKind = NodeKind> = K extends NodeKind ? Node<JourneyNodeData<K>, K> : never;

/**
 * The edge's source port lives in `sourceHandle`; the label is derived from
 * the port (in English; `labelKey`, a fixed port's message id, words it in the
 * reader's language when the canvas shows it).
 */
export type JourneyFlowEdge = Edge<Record<string, never>, 'port'> & { labelKey?: string };

export interface JourneyFlow {
  nodes: JourneyFlowNode[];
  edges: JourneyFlowEdge[];
}
