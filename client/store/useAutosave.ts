import { useEffect } from 'react';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { EditorStore } from './createEditorStore';

/** Quiet time after the last edit before the draft is saved. */
export const AUTOSAVE_DEBOUNCE_MS = 700;

export type SaveDraft = (graph: JourneyGraph) => Promise<{ updatedAt: number }>;

/**
 * Saves the draft a moment after each change, one save at a time, and again
 * if the journey changed while a save was in flight. A failed save is shown
 * and retried on the next change; leaving the page with unsaved edits asks
 * first. Returns nothing: the store's save slice holds the status.
 */
export function useAutosave(store: EditorStore, save: SaveDraft): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const flush = async () => {
      const s = store.getState();
      if (inFlight || s.readOnly || s.revision <= s.savedRevision) return;
      inFlight = true;
      try {
        await saveRevision(store, save);
      } catch {
        // shown through the save slice; the next change retries
      } finally {
        inFlight = false;
      }
      // edits made during the save: save again
      if (store.getState().revision > store.getState().savedRevision && !store.getState().saveError) schedule();
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void flush(), AUTOSAVE_DEBOUNCE_MS);
    };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.revision !== prev.revision) schedule();
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      const s = store.getState();
      if (s.revision > s.savedRevision) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      unsubscribe();
      window.removeEventListener('beforeunload', beforeUnload);
      // leaving the journey: save what is pending now rather than lose it
      clearTimeout(timer);
      void flush();
    };
  }, [store, save]);
}

/** Save now (e.g. before publishing), waiting for a save already in flight. */
export async function saveNow(store: EditorStore, save: SaveDraft): Promise<void> {
  for (let i = 0; i < 100 && store.getState().saving; i++) await new Promise((r) => setTimeout(r, 30));
  const s = store.getState();
  if (s.revision <= s.savedRevision) return;
  await saveRevision(store, save);
}

/** Save the journey as it is now and mark that revision saved; a failure is marked and rethrown. */
async function saveRevision(store: EditorStore, save: SaveDraft): Promise<void> {
  const s = store.getState();
  const revision = s.revision;
  s.markSaving();
  try {
    const r = await save(s.toGraph());
    store.getState().markSaved(revision, r.updatedAt);
  } catch (e) {
    store.getState().markSaveFailed(e instanceof Error ? e.message : String(e));
    throw e;
  }
}
