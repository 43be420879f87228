import { useCallback } from 'react';
import { useNodeTitle } from '../i18n/useNodeTitle';
import { useEditorStoreApi } from './editorContext';

/**
 * A node's name by id as the canvas shows it (its title, else its kind in the
 * reader's language), read from the store when asked: for wording problems,
 * which re-render with the problems anyway.
 */
export function useNodeName(): (nodeId: string) => string | undefined {
  const store = useEditorStoreApi();
  const title = useNodeTitle();
  return useCallback(
    (nodeId: string) => {
      const n = store.getState().nodes.find((x) => x.id === nodeId);
      return n ? title(n.data) : undefined;
    },
    [store, title],
  );
}
