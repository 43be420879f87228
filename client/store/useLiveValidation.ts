import { useEffect } from 'react';
import { compile } from '../../shared/journey/compile';
import type { CompileRefs } from '../../shared/journey/kind';
import type { EditorStore } from './createEditorStore';

/** How long after the last edit the compiler runs again. */
export const VALIDATE_DEBOUNCE_MS = 200;

/**
 * Runs the shared compiler in the browser on every change of the journey
 * (debounced), so the canvas badges exactly what publishing would refuse.
 * The same `compile` runs again on the server when the draft is published.
 */
export function useLiveValidation(store: EditorStore, refs: CompileRefs): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      const r = compile(store.getState().toGraph(), refs);
      store.getState().setProblems(r.ok ? [] : r.errors);
    };
    run();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.revision === prev.revision) return;
      clearTimeout(timer);
      timer = setTimeout(run, VALIDATE_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, refs]);
}
