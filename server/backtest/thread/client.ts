import { setFlagsFromString } from 'node:v8';
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

/**
 * The young generation of a backtest's threads, in MiB per semi-space. A
 * replay holds its share's recorded events and steps thousands of runs a
 * batch, and with the server's 32 MiB (`npm start`) its short-lived rows and
 * effects outlive their scavenges and are promoted and collected again: at 1M
 * contacts on two threads, 128 MiB took the backtest from 39.5-45.8 s to
 * 33.2-37.7 s in alternating runs (the collector's share of a replay halved).
 */
const backtestSemiSpaceMiB = 128;

/**
 * A worker's heap is sized when it starts, from the process's V8 flags: the
 * command line's `--max-semi-space-size` wins over a worker's own
 * `resourceLimits`. So the flag is raised for the isolates started from now
 * on (the live engine's thread and the checkpointer's started with the
 * server, and keep theirs; so does this one), and the backtest's threads get
 * the larger young generation.
 */
function youngGenerationForBacktests(): void {
  setFlagsFromString(`--max-semi-space-size=${backtestSemiSpaceMiB}`);
}

/** Run `job` on its own worker thread, reporting progress as it goes. */
export function startBacktestThread(job: BacktestJob, onProgress: (progress: number, phase: string) => void): BacktestHandle {
  youngGenerationForBacktests();
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
