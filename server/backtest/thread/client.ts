import { Worker } from 'node:worker_threads';
import type { BacktestResult } from '../../../shared/backtest/result';
import type { BacktestJob } from '../run';
import type { BacktestThreadData, FromBacktestThread } from './protocol';

export type BacktestOutcome = { status: 'done'; result: BacktestResult } | { status: 'cancelled' } | { status: 'failed'; error: string };

export interface BacktestHandle {
  /** settles once the thread has ended, however it ended (never rejects) */
  outcome: Promise<BacktestOutcome>;
  /** ask the replay to stop at its next tick or event; the outcome is then `cancelled` */
  cancel: () => void;
  /** end the thread now (server shutdown): the outcome is `cancelled` */
  terminate: () => Promise<void>;
}

/** Run `job` on its own worker thread, reporting progress as it goes. */
export function startBacktestThread(job: BacktestJob, onProgress: (progress: number, phase: string) => void): BacktestHandle {
  const cancel = new SharedArrayBuffer(4);
  const data: BacktestThreadData = { job, cancel };
  const worker = new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: data });
  // a backtest never keeps the process alive on its own: a server that stops takes it down
  worker.unref();
  const cancelled = () => Atomics.load(new Int32Array(cancel), 0) === 1;
  const outcome = new Promise<BacktestOutcome>((resolve) => {
    worker.on('message', (m: FromBacktestThread) => {
      if (m.type === 'progress') onProgress(m.progress, m.phase);
      else if (m.type === 'done') resolve({ status: 'done', result: m.result });
      else if (m.type === 'cancelled') resolve({ status: 'cancelled' });
      else resolve({ status: 'failed', error: m.error });
    });
    worker.on('error', (e) => resolve(cancelled() ? { status: 'cancelled' } : { status: 'failed', error: e.message }));
    // a thread that ends without saying how (terminated, crashed): the first answer wins, so this is only the fallback
    worker.on('exit', (code) => resolve(cancelled() ? { status: 'cancelled' } : { status: 'failed', error: `the backtest thread exited (${code}) without a result` }));
  });
  return {
    outcome,
    cancel: () => {
      Atomics.store(new Int32Array(cancel), 0, 1);
    },
    async terminate() {
      Atomics.store(new Int32Array(cancel), 0, 1);
      await worker.terminate();
    },
  };
}
