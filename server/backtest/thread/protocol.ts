import type { BacktestResult } from '../../../shared/backtest/result';
import type { BacktestJob } from '../run';

/** What a backtest thread starts with: the job (only data: a worker receives a structured clone) and a shared cancel flag. */
export interface BacktestThreadData {
  job: BacktestJob;
  /** one Int32 cell: 1 once the job is cancelled (the replay reads it between ticks and events) */
  cancel: SharedArrayBuffer;
}

export type FromBacktestThread = { type: 'progress'; progress: number; phase: string } | { type: 'done'; result: BacktestResult } | { type: 'cancelled' } | { type: 'failed'; error: string };
