import type { StateCreator } from 'zustand';
import type { Located } from '../../../shared/journey/errors';
import type { EditorState } from '../createEditorStore';

export interface ProblemsSlice {
  /** The draft's compile errors, as the server (or, later, live validation) reported them. */
  problems: Located[];
  /** Messages per node id, so a node component selects only its own entry. */
  problemsByNode: Record<string, string[]>;
  setProblems(problems: Located[]): void;
}

export function groupByNode(problems: readonly Located[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) if (p.nodeId) (out[p.nodeId] ??= []).push(p.message);
  return out;
}

export function problemsState(problems: Located[]): Pick<ProblemsSlice, 'problems' | 'problemsByNode'> {
  return { problems, problemsByNode: groupByNode(problems) };
}

export const createProblemsSlice: StateCreator<EditorState, [], [], ProblemsSlice> = (set, get) => ({
  problems: [],
  problemsByNode: {},
  setProblems(problems) {
    if (problems === get().problems) return;
    set(problemsState(problems));
  },
});
