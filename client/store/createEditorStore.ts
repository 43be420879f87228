import { createStore, type StoreApi } from 'zustand/vanilla';
import { temporal, type TemporalState } from 'zundo';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { Located } from '../../shared/journey/errors';
import { createGraphSlice, graphState, type GraphSlice } from './slices/graphSlice';
import { createProblemsSlice, problemsState, type ProblemsSlice } from './slices/problemsSlice';
import { createSaveSlice, type SaveSlice } from './slices/saveSlice';
import { createOverlaySlice, type OverlaySlice } from './slices/overlaySlice';
import { createNoticeSlice, type NoticeSlice } from './slices/noticeSlice';
import { historyOptions, type HistoryState } from './history';

export type EditorState = GraphSlice & ProblemsSlice & SaveSlice & OverlaySlice & NoticeSlice;
export type EditorStore = StoreApi<EditorState> & { temporal: StoreApi<TemporalState<HistoryState>> };
export interface EditorInit {
  graph: JourneyGraph;
  problems?: Located[];
  readOnly?: boolean;
}

/**
 * One store per open journey (as React Flow does with its own store), handed
 * down by EditorStoreProvider; never a module-level singleton. Slices are
 * combined here; the one middleware, zundo's `temporal`, wraps the combined
 * store and records the graph for undo/redo.
 */
export function createEditorStore(initial?: EditorInit): EditorStore {
  return createStore<EditorState>()(
    temporal(
      (...a) => ({
        ...createGraphSlice(...a),
        ...createProblemsSlice(...a),
        ...createSaveSlice(...a),
        ...createOverlaySlice(...a),
        ...createNoticeSlice(...a),
        // the loaded graph is part of the initial state, so getInitialState() shows it too
        ...(initial ? { ...graphState(initial.graph), ...problemsState(initial.problems ?? []), readOnly: initial.readOnly ?? false } : {}),
      }),
      historyOptions,
    ),
  );
}
