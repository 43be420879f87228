import type { BacktestResult } from '../../../shared/backtest/result';
import type { BacktestJob } from '../run';

/** What a backtest thread starts with: the job (only data: a worker receives a structured clone) and a shared cancel flag. */
export interface BacktestThreadData {
  job: BacktestJob;
  /** one Int32 cell: 1 once the job is cancelled (the replay reads it between ticks and events) */
  cancel: SharedArrayBuffer;
}

export type FromBacktestThread = { type: 'progress'; progress: number; phase: string } | { type: 'done'; result: BacktestResult } | { type: 'cancelled' } | { type: 'failed'; error: string };

/** A progress hook that posts at most every `ms` (and always the end), as a thread reports to its parent. */
export function progressPoster(post: (progress: number, phase: string) => void, ms = 200): (progress: number, phase: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (progress, phase) => {
    const now = performance.now();
    if (now - last < ms && progress < 1) return;
    last = now;
    post(progress, phase);
  };
}
