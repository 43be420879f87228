import type { StateCreator } from 'zustand';
import type { EditorState } from '../createEditorStore';

export type SaveStatus = 'saved' | 'unsaved' | 'saving' | 'error';

export interface SaveSlice {
  /** The revision the server holds. Anything newer is unsaved. */
  savedRevision: number;
  saving: boolean;
  saveError: string | null;
  lastSavedAt: number | null;
  markSaving: () => void;
  markSaved: (revision: number, at: number) => void;
  markSaveFailed: (message: string) => void;
}

export function saveStatus(s: Pick<EditorState, 'revision' | 'savedRevision' | 'saving' | 'saveError'>): SaveStatus {
  if (s.saving) return 'saving';
  if (s.saveError) return 'error';
  return s.revision > s.savedRevision ? 'unsaved' : 'saved';
}

export const createSaveSlice: StateCreator<EditorState, [['temporal', unknown]], [], SaveSlice> = (set) => ({
  savedRevision: 0,
  saving: false,
  saveError: null,
  lastSavedAt: null,
  markSaving: () => set({ saving: true }),
  markSaved: (revision, at) => set((s) => ({ saving: false, saveError: null, savedRevision: Math.max(s.savedRevision, revision), lastSavedAt: at })),
  markSaveFailed: (message) => set({ saving: false, saveError: message }),
});
