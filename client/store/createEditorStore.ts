import { createStore, type StoreApi } from 'zustand/vanilla';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { Located } from '../../shared/journey/errors';
import { createGraphSlice, graphState, type GraphSlice } from './slices/graphSlice';
import { createProblemsSlice, problemsState, type ProblemsSlice } from './slices/problemsSlice';

export type EditorState = GraphSlice & ProblemsSlice;
export type EditorStore = StoreApi<EditorState>;
export interface EditorInit {
  graph: JourneyGraph;
  problems: Located[];
}

/**
 * One store per open journey (as React Flow does with its own store), handed
 * down by EditorStoreProvider; never a module-level singleton.
 */
export function createEditorStore(initial?: EditorInit): EditorStore {
  // the loaded graph is part of the initial state, so getInitialState() (used by
  // useSyncExternalStore for server rendering) shows it too
  return createStore<EditorState>()((...a) => ({
    ...createGraphSlice(...a),
    ...createProblemsSlice(...a),
    ...(initial ? { ...graphState(initial.graph), ...problemsState(initial.problems) } : {}),
  }));
}
