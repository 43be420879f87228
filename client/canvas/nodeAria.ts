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

/** An edge with its fixed port's label (`failed`, `timeout`…) in the reader's language; other edges as they are. */
export function edgeInLanguage(e: JourneyFlowEdge, t: Translate): JourneyFlowEdge {
  if (!e.labelKey || typeof e.label !== 'string') return e;
  const label = portText(t, { label: e.label, labelKey: e.labelKey });
  return label === e.label ? e : { ...e, label };
}
