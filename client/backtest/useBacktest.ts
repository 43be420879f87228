import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '../trpc';
import type { EditorStore } from '../store/createEditorStore';
import { useEditorStore } from '../store/editorContext';
import { backtestToCanvas, showsBacktest } from './backtestOverlay';
import { useErrorText } from '../i18n/serverText';

export type Backtest = NonNullable<RouterOutputs['backtests']['latest']>;

/** How often a running backtest's progress is asked for. */
export const BACKTEST_POLL_MS = 1000;

export interface BacktestState {
  latest: Backtest | null;
  /** the backtest's numbers are on the canvas (never together with the live numbers) */
  shown: boolean;
  show: (on: boolean) => void;
  start: (window: { from?: string; to?: string }) => void;
  cancel: () => void;
  starting: boolean;
  error: string | null;
}

/**
 * The journey's newest backtest: started and cancelled here, polled while it
 * runs, drawn on the canvas (in the backtest colour, see BacktestStrip) while
 * shown and the live numbers are off. A backtest that finishes while the page
 * is open is shown at once. The result is asked for again after each save of
 * the draft, so it says when the draft has changed since.
 *
 * Call it after `useOverlay` in the same component: both write the canvas
 * overlay, and effects run in call order, so turning the live numbers off and
 * the backtest on in one render leaves the backtest's numbers drawn.
 */
export function useBacktest(store: EditorStore, journeyId: string, liveOn: boolean): BacktestState {
  const trpc = useTRPC();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const key = trpc.backtests.latest.queryKey({ journeyId });
  const q = useQuery({
    ...trpc.backtests.latest.queryOptions({ journeyId }),
    refetchInterval: (query) => (query.state.data?.status === 'running' ? BACKTEST_POLL_MS : false),
  });
  const latest = q.data ?? null;
  const [shown, setShown] = useState(false);
  const [watching, setWatching] = useState<string | null>(null);

  // the one this page started (or found running) ends: show it
  useEffect(() => {
    if (!latest) return;
    if (latest.status === 'running') setWatching(latest.id);
    else if (watching === latest.id) {
      setWatching(null);
      if (latest.status === 'done') setShown(true);
    }
  }, [latest, watching]);

  // the live numbers turned on take the backtest's place for good (not until they go off again)
  useEffect(() => {
    if (liveOn) setShown(false);
  }, [liveOn]);

  const lastSavedAt = useEditorStore((s) => s.lastSavedAt);
  useEffect(() => {
    if (lastSavedAt !== null) void queryClient.invalidateQueries({ queryKey: key });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is rebuilt each render; the journey is the dependency
  }, [lastSavedAt, journeyId, queryClient]);

  const start = useMutation(
    trpc.backtests.start.mutationOptions({
      onSuccess: (b) => {
        queryClient.setQueryData(key, b);
        setShown(false);
        setWatching(b.id);
      },
    }),
  );
  const cancel = useMutation(trpc.backtests.cancel.mutationOptions({ onSuccess: (b) => queryClient.setQueryData(key, b) }));

  const visible = shown && !liveOn && latest?.result !== null && latest?.result !== undefined;
  const result = latest?.result ?? null;
  useEffect(() => {
    const s = store.getState();
    if (!visible || !result) {
      // only our own numbers are taken off: the live overlay may already be on
      if (showsBacktest(s.overlay)) s.setOverlay(null, null);
      return;
    }
    const apply = () => {
      const shownNow = backtestToCanvas(result.draft, store.getState().edges);
      store.getState().setOverlay(shownNow.nodes, shownNow.edges);
    };
    apply();
    // edges drawn or re-wired while shown get their counts too
    return store.subscribe((next, prev) => {
      if (next.edges !== prev.edges && next.edges.length !== prev.edges.length) apply();
    });
  }, [visible, result, store]);

  return {
    latest,
    shown: visible,
    show: setShown,
    start: (w) => start.mutate({ journeyId, ...w }),
    cancel: () => {
      if (latest) cancel.mutate({ id: latest.id });
    },
    starting: start.isPending,
    // a refusal in the reader's language, by its code (backtest_days, backtest_busy, …)
    error: start.error ? errorText(start.error) : cancel.error ? errorText(cancel.error) : q.error ? errorText(q.error) : null,
  };
}
