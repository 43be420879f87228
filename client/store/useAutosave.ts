import { useEffect } from 'react';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { EditorStore } from './createEditorStore';

/** Quiet time after the last edit before the draft is saved. */
export const AUTOSAVE_DEBOUNCE_MS = 700;

/** A save the server has not answered by then is reported failed, so the saves queued behind it (and Publish, Archive) go on. */
export const SAVE_TIMEOUT_MS = 20_000;

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
    const flush = async () => {
      if (store.getState().readOnly || !unsaved(store)) return;
      try {
        await saveNow(store, save);
      } catch {
        // shown through the save slice; the next change retries
        return;
      }
      // edits made during the save: save again
      if (unsaved(store)) schedule();
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void flush(), AUTOSAVE_DEBOUNCE_MS);
    };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.revision !== prev.revision) schedule();
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (unsaved(store)) e.preventDefault();
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

const unsaved = (store: EditorStore): boolean => store.getState().revision > store.getState().savedRevision;

/** Each store's saves, chained: one is in flight at a time, so an older graph never lands after a newer one. */
const queues = new WeakMap<EditorStore, Promise<unknown>>();

/**
 * Save the journey as it is when this save's turn comes (e.g. before
 * publishing or archiving), after any save already queued; nothing to do if
 * that revision is saved already. Rejects with this save's failure.
 */
export function saveNow(store: EditorStore, save: SaveDraft): Promise<void> {
  const turn = (queues.get(store) ?? Promise.resolve())
    .catch(() => undefined) // an earlier failure is that save's to report
    .then(() => (unsaved(store) ? saveRevision(store, save) : undefined));
  queues.set(store, turn);
  return turn;
}

/** Save the journey as it is now and mark that revision saved; a failure is marked and rethrown. */
async function saveRevision(store: EditorStore, save: SaveDraft): Promise<void> {
  const s = store.getState();
  const revision = s.revision;
  s.markSaving();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server did not answer within ${SAVE_TIMEOUT_MS / 1000} s`)), SAVE_TIMEOUT_MS);
  });
  try {
    const r = await Promise.race([save(s.toGraph()), timeout]);
    store.getState().markSaved(revision, r.updatedAt);
  } catch (e) {
    store.getState().markSaveFailed(e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
