import type { BacktestResult } from '../../../shared/backtest/result';
import { parentPort } from 'node:worker_threads';
import type { BacktestJob } from '../run';
import { BacktestCancelled } from '../replay';
import { lowerThisThread, type Lowering } from '../../threadPriority';
import { backtestNice } from './nice';

/** What a backtest thread starts with: the job (only data: a worker receives a structured clone) and a shared cancel flag. */
export interface BacktestThreadData {
  job: BacktestJob;
  /** one Int32 cell: 1 once the job is cancelled (the replay reads it between ticks and events) */
  cancel: SharedArrayBuffer;
}

/** What a backtest's thread (the backtest's own, or one share's) tells its parent: progress, then how it ended. */
export type FromThread<R> = { type: 'progress'; progress: number; phase: string } | { type: 'done'; result: R } | { type: 'cancelled' } | { type: 'failed'; error: string };

export type FromBacktestThread = FromThread<BacktestResult>;

/**
 * The body of a backtest's thread: at the backtest's low priority (`lowerTo`, else nice `backtestNice`), run
 * `task` with a progress hook that posts at most every 200 ms and a
 * `cancelled` that reads the shared flag, then post how it ended.
 */
export async function serveThread<R>(
  cancel: SharedArrayBuffer,
  lowerTo: Lowering | undefined,
  task: (hooks: { progress: (progress: number, phase: string) => void; cancelled: () => boolean }) => R | Promise<R>,
): Promise<void> {
  lowerThisThread(lowerTo ?? backtestNice);
  const port = parentPort;
  if (!port) throw new Error('a backtest thread runs as a worker');
  const send = (m: FromThread<R>) => port.postMessage(m);
  const flag = new Int32Array(cancel);
  try {
    const result = await task({
      progress: progressPoster((progress, phase) => send({ type: 'progress', progress, phase })),
      cancelled: () => Atomics.load(flag, 0) === 1,
    });
    send({ type: 'done', result });
  } catch (e) {
    if (e instanceof BacktestCancelled) send({ type: 'cancelled' });
    else send({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
  }
}

/** A progress hook that posts at most every `ms` (and always the end), as a thread reports to its parent. */
function progressPoster(post: (progress: number, phase: string) => void, ms = 200): (progress: number, phase: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (progress, phase) => {
    const now = performance.now();
    if (now - last < ms && progress < 1) return;
    last = now;
    post(progress, phase);
  };
}
