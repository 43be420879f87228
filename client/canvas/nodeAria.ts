import { nodeKinds } from '../../shared/journey/registry';
import type { JourneyFlowEdge, JourneyFlowNode } from '../mapping/flowTypes';
import { portText } from '../mapping/ports';
import type { Translate } from '../i18n/useT';

/**
 * The canvas's nodes with their accessible names in the reader's language.
 * The store keeps the English name (toFlow's); a node whose name reads the
 * same is passed through, and each node's worded copy is kept in `cache` (one
 * per language) so a drag, which changes one node, makes only that node anew.
 */
export function nodesInLanguage(nodes: readonly JourneyFlowNode[], t: Translate, cache: WeakMap<JourneyFlowNode, JourneyFlowNode>): JourneyFlowNode[] {
  return nodes.map((n) => {
    const hit = cache.get(n);
    if (hit) return hit;
    const kind = t(nodeKinds[n.data.kind].palette.labelKey);
    const ariaLabel = t('node.ariaName', { kind, title: n.data.title?.trim() || kind });
    const out = ariaLabel === n.ariaLabel ? n : ({ ...n, ariaLabel } as JourneyFlowNode);
    cache.set(n, out);
    return out;
  });
}

/**
 * An edge in the reader's language: its accessible name from the nodes' names
 * (React Flow's own says "Edge from <id> to <id>" in English), and a fixed
 * port's label (`failed`, `timeout`…) by its message id.
 */
export function edgeInLanguage(e: JourneyFlowEdge, t: Translate, nodeName: (id: string) => string | undefined): JourneyFlowEdge {
  const label = typeof e.label === 'string' ? portText(t, { label: e.label, labelKey: e.labelKey }) : '';
  const ariaLabel = t('canvas.edgeName', { from: nodeName(e.source) ?? e.source, to: nodeName(e.target) ?? e.target, port: label ? t('canvas.edgePort', { port: label }) : '' });
  return { ...e, ariaLabel, ...(label ? { label } : {}) };
}
