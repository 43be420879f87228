import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '../trpc';
import type { EditorStore } from '../store/createEditorStore';
import type { NodeOverlay } from '../store/slices/overlaySlice';

export type Overlay = RouterOutputs['analytics']['journeyOverlay'];

export interface OverlayParams {
  on: boolean;
  version: number | undefined;
  from: string | undefined;
  to: string | undefined;
}

/** How often the numbers refresh while the overlay is on. */
export const OVERLAY_REFRESH_MS = 10_000;

/** The version and days the analytics queries take from the overlay's params, leaving out those not set (all versions, open-ended days). */
export function overlayRange(p: OverlayParams): { version?: number; from?: string; to?: string } {
  return { ...(p.version ? { version: p.version } : {}), ...(p.from ? { from: p.from } : {}), ...(p.to ? { to: p.to } : {}) };
}

/** The API's numbers as the canvas draws them: per node (no conversion at an exit, by `kinds`), and per edge id of the canvas (by source and port). */
export function toCanvas(
  o: Overlay,
  edges: readonly { id: string; source: string; sourceHandle?: string | null }[],
  kinds: ReadonlyMap<string, string | undefined> = new Map(),
): { nodes: Record<string, NodeOverlay>; edges: Record<string, number> } {
  const nodes: Record<string, NodeOverlay> = {};
  for (const [id, n] of Object.entries(o.nodes)) {
    // at an exit everyone has left: "converted 0" there would only mislead
    const exit = kinds.get(id) === 'exit';
    nodes[id] = {
      entered: n.entered,
      waiting: n.waiting,
      ...(n.sent || n.queued ? { sent: n.sent } : {}),
      converted: n.converted,
      conversionRate: exit ? null : n.conversionRate,
      ...(exit ? { noConversion: true } : {}),
    };
  }
  const byPort = new Map(o.edges.map((e) => [`${e.source}\u0000${e.port}`, e.count]));
  const counts: Record<string, number> = {};
  for (const e of edges) counts[e.id] = byPort.get(`${e.source}\u0000${e.sourceHandle ?? 'next'}`) ?? 0;
  return { nodes, edges: counts };
}

/**
 * Keeps the editor's overlay in step with `analytics.journeyOverlay` while it
 * is on (refreshing every few seconds), and clears it when turned off.
 */
export function useOverlay(store: EditorStore, journeyId: string, p: OverlayParams): { data: Overlay | undefined; error: { message: string; data?: unknown } | null; fetching: boolean } {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.analytics.journeyOverlay.queryOptions({ journeyId, ...overlayRange(p) }),
    enabled: p.on,
    refetchInterval: p.on ? OVERLAY_REFRESH_MS : false,
  });
  useEffect(() => {
    if (!p.on || !q.data) {
      if (!p.on) store.getState().setOverlay(null, null);
      return;
    }
    const apply = () => {
      const s = store.getState();
      const shown = toCanvas(q.data, s.edges, new Map(s.nodes.map((n) => [n.id, n.type])));
      store.getState().setOverlay(shown.nodes, shown.edges);
    };
    apply();
    // edges drawn or re-wired while the overlay is on get their counts too
    return store.subscribe((s, prev) => {
      if (s.edges !== prev.edges && s.edges.length !== prev.edges.length) apply();
    });
  }, [p.on, q.data, store]);
  return { data: q.data, error: q.error, fetching: q.isFetching };
}
