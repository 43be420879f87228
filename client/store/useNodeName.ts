import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useNodeTitle } from '../i18n/useNodeTitle';
import { useEditorStore } from './editorContext';

/**
 * A node's name by id as the canvas shows it (its title, else its kind in the
 * reader's language). The function changes when a name does (a rename, a
 * language switch), not when a node moves: what is worded with it (edge names,
 * problems) follows renames without being worded again on every drag frame.
 */
export function useNodeName(): (nodeId: string) => string | undefined {
  const title = useNodeTitle();
  const names = useEditorStore(useShallow((s) => Object.fromEntries(s.nodes.map((n) => [n.id, title(n.data)]))));
  return useCallback((nodeId: string) => names[nodeId], [names]);
}
