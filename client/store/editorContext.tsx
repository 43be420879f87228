import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createEditorStore, type EditorInit, type EditorState, type EditorStore } from './createEditorStore';

const EditorStoreContext = createContext<EditorStore | null>(null);

/**
 * Gives its subtree one editor store, created once per mount from `initial`
 * (key the provider by journey id so each journey gets its own).
 */
export function EditorStoreProvider({ initial, children }: { initial?: EditorInit; children: ReactNode }) {
  const [store] = useState(() => createEditorStore(initial));
  return <EditorStoreContext.Provider value={store}>{children}</EditorStoreContext.Provider>;
}

export function useEditorStoreApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStore must be used inside <EditorStoreProvider>');
  return store;
}

/** Select one field (or a derived value) of the editor store; re-renders only when it changes. */
export function useEditorStore<T>(selector: (s: EditorState) => T): T {
  return useStore(useEditorStoreApi(), selector);
}
