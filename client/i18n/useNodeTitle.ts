import { useCallback } from 'react';
import type { NodeKind } from '../../shared/journey/registry';
import { nodeKinds } from '../../shared/journey/registry';
import { useT } from './useT';

/** A node's title, or for an untitled node its kind's name in the reader's language (shared's `nodeTitle` says it in English). */
export function useNodeTitle(): (node: { kind: NodeKind; title?: string | undefined }) => string {
  const t = useT();
  return useCallback((node) => node.title?.trim() || t(nodeKinds[node.kind].palette.labelKey), [t]);
}
