import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompiledJourney } from '../../../shared/journey/machine';
import { shareOf, type CopyPlan } from '../copy';
import { BacktestCancelled } from '../replay';
import type { FromThread } from './protocol';
import type { BacktestHooks, BacktestJob, ShareResult } from '../run';

/** What a replay thread starts with (only data: a worker receives a structured clone) and the backtest's cancel flag. */
export interface ShareThreadData {
  job: BacktestJob;
  draftMachine: CompiledJourney;
  /** this thread's share of the contacts */
  plan: CopyPlan;
  /** where its copies go */
  dir: string;
  /** how many shares there are (their page caches share one budget) */
  threads: number;
  cancel: SharedArrayBuffer;
}

export type FromShareThread = FromThread<ShareResult>;

/**
 * A backtest's contacts split into `threads` shares (`shareOf`), each copied
 * and replayed on a thread of its own, side by side: the figures of each
 * share, in share order. Progress is the shares' mean, shown with the phase
 * of the one furthest behind. Cancelling (`hooks.cancelled`, or the
 * backtest's own flag) stops every share at its next tick or event; the
 * first share to fail ends the others.
 */
export async function replayOnThreads(job: BacktestJob, draftMachine: CompiledJourney, plan: CopyPlan, threads: number, hooks: BacktestHooks): Promise<ShareResult[]> {
  const cancel = hooks.cancelFlag ?? new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  // a caller that asks through `cancelled` alone: its answer is copied to the flag the threads read
  const poll = setInterval(() => {
    if (hooks.cancelled?.()) Atomics.store(flag, 0, 1);
  }, 50);
  const progress = Array.from({ length: threads }, () => ({ p: 0, phase: 'copying' }));
  let shown = 0;
  const workers: Worker[] = [];
  try {
    return await Promise.all(
      progress.map((mine, i) => {
        const dir = join(job.workDir, `share-${i}`);
        mkdirSync(dir, { recursive: true });
        const data: ShareThreadData = { job, draftMachine, plan: shareOf(plan, i, threads), dir, cancel, threads };
        // kept referenced: they are what the backtest waits for (a backtest thread that is terminated ends them with it)
        const worker = new Worker(new URL('./shareBootstrap.mjs', import.meta.url), { workerData: data });
        workers.push(worker);
        return new Promise<ShareResult>((resolve, reject) => {
          worker.on('message', (m: FromShareThread) => {
            if (m.type === 'progress') {
              mine.p = m.progress;
              mine.phase = m.phase;
              const mean = progress.reduce((s, x) => s + x.p, 0) / threads;
              if (mean <= shown) return;
              shown = mean;
              const behind = progress.reduce((a, b) => (b.p < a.p ? b : a));
              hooks.progress?.(mean, behind.phase);
            } else if (m.type === 'done') resolve(m.result);
            else if (m.type === 'cancelled') reject(new BacktestCancelled());
            else reject(new Error(m.error));
          });
          worker.on('error', reject);
          // the first answer wins: this is only for a thread that ended without one
          worker.on('exit', (code) => reject(Atomics.load(flag, 0) === 1 ? new BacktestCancelled() : new Error(`a backtest replay thread exited (${code}) without a result`)));
        });
      }),
    );
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  } finally {
    clearInterval(poll);
  }
}
