import type { StateCreator } from 'zustand';
import type { Located } from '../../../shared/journey/errors';
import type { EditorState } from '../createEditorStore';

export interface ProblemsSlice {
  /** The draft's compile errors, from the shared compiler run live in the browser. */
  problems: Located[];
  /** Problems per node id, so a node component selects only its own entry (worded where shown, by code: client/i18n/problemText.ts). */
  problemsByNode: Record<string, Located[]>;
  /** Problems per edge id, so the canvas can mark the exact edge. */
  problemsByEdge: Record<string, Located[]>;
  setProblems: (problems: Located[]) => void;
}

export function groupByNode(problems: readonly Located[]): Record<string, Located[]> {
  const out: Record<string, Located[]> = {};
  for (const p of problems) if (p.nodeId) (out[p.nodeId] ??= []).push(p);
  return out;
}

function groupByEdge(problems: readonly Located[]): Record<string, Located[]> {
  const out: Record<string, Located[]> = {};
  for (const p of problems) if (p.edgeId) (out[p.edgeId] ??= []).push(p);
  return out;
}

export function problemsState(problems: Located[]): Pick<ProblemsSlice, 'problems' | 'problemsByNode' | 'problemsByEdge'> {
  return { problems, problemsByNode: groupByNode(problems), problemsByEdge: groupByEdge(problems) };
}

/**
 * Problems of one node's config (or of the settings, with nodeId null), keyed
 * by the field path inside it: `config.cases.0.key` → `cases.0.key`.
 */
export function fieldProblems(problems: readonly Located[], nodeId: string | null, prefix: 'config' | 'settings'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) {
    if ((p.nodeId ?? null) !== nodeId || !p.field) continue;
    if (p.field !== prefix && !p.field.startsWith(`${prefix}.`)) continue;
    (out[p.field.slice(prefix.length + 1)] ??= []).push(p.detail ?? p.message);
  }
  return out;
}

/** Same problems as before? Then keep the old array, so nothing that selects it re-renders. */
function same(a: readonly Located[], b: readonly Located[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return q !== undefined && p.code === q.code && p.message === q.message && p.nodeId === q.nodeId && p.edgeId === q.edgeId && p.field === q.field;
    })
  );
}

export const createProblemsSlice: StateCreator<EditorState, [['temporal', unknown]], [], ProblemsSlice> = (set, get) => ({
  problems: [],
  problemsByNode: {},
  problemsByEdge: {},
  setProblems(problems) {
    if (problems === get().problems || same(problems, get().problems)) return;
    set(problemsState(problems));
  },
});
