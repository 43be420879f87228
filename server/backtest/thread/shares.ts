import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompiledJourney } from '../../../shared/journey/machine';
import { shareOf, type CopyPlan } from '../copy';
import { BacktestCancelled } from '../replay';
import type { FromThread } from './protocol';
import type { BacktestHooks, BacktestJob, ShareResult } from '../run';

/** What a replay thread is given as its first message (only data: a worker receives a structured clone) and the backtest's cancel flag. */
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

/** A share thread started before its share is known: it loads its code meanwhile, then waits for its data. */
export interface ShareThread {
  worker: Worker;
  /** rejects once the thread fails or exits (after its result, when it gave one): raced with its answer */
  ended: Promise<never>;
}

/**
 * Start `count` share threads now, each loading its code (the replay's
 * modules through tsx: about a second each on two cores) while the caller
 * reads the plan; `replayOnThreads` hands each its share. A thread not
 * handed one is ended with `endShareThreads`.
 */
export function startShareThreads(count: number): ShareThread[] {
  return Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./shareBootstrap.mjs', import.meta.url));
    const ended = new Promise<never>((_, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`a backtest replay thread exited (${code}) without a result`)));
    });
    // raced later; a thread that ends before it is given a share must not be an unhandled rejection meanwhile
    ended.catch(() => undefined);
    return { worker, ended };
  });
}

/** End share threads, at whatever point they are (loading, waiting for a share, replaying). */
export async function endShareThreads(threads: readonly ShareThread[]): Promise<void> {
  await Promise.all(threads.map((t) => t.worker.terminate()));
}

/**
 * A backtest's contacts split into `threads` shares (`shareOf`), each copied
 * and replayed on a thread of its own, side by side: the figures of each
 * share, in share order. `started` threads (`startShareThreads`) take the
 * first shares, new ones the rest; started ones beyond `threads` are ended.
 * Progress is the shares' mean, shown with the phase
 * of the one furthest behind. Cancelling (`hooks.cancelled`, or the
 * backtest's own flag) stops every share at its next tick or event; the
 * first share to fail ends the others.
 */
export async function replayOnThreads(
  job: BacktestJob,
  draftMachine: CompiledJourney,
  plan: CopyPlan,
  threads: number,
  hooks: BacktestHooks,
  started: readonly ShareThread[] = [],
): Promise<ShareResult[]> {
  const cancel = hooks.cancelFlag ?? new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  // a caller that asks through `cancelled` alone: its answer is copied to the flag the threads read
  const poll = setInterval(() => {
    if (hooks.cancelled?.()) Atomics.store(flag, 0, 1);
  }, 50);
  const progress = Array.from({ length: threads }, () => ({ p: 0, phase: 'copying' }));
  let shown = 0;
  const pool = [...started.slice(0, threads), ...startShareThreads(Math.max(0, threads - started.length))];
  void endShareThreads(started.slice(threads));
  try {
    return await Promise.all(
      progress.map((mine, i) => {
        const dir = join(job.workDir, `share-${i}`);
        mkdirSync(dir, { recursive: true });
        const data: ShareThreadData = { job, draftMachine, plan: shareOf(plan, i, threads), dir, cancel, threads };
        // kept referenced: they are what the backtest waits for (a backtest thread that is terminated ends them with it)
        const { worker, ended } = pool[i] as ShareThread;
        const answer = new Promise<ShareResult>((resolve, reject) => {
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
        });
        worker.postMessage(data);
        // the first answer wins: `ended` is only for a thread that failed or exited without one
        return Promise.race([
          answer,
          ended.catch((e: unknown) => {
            throw Atomics.load(flag, 0) === 1 ? new BacktestCancelled() : e instanceof Error ? e : new Error(String(e));
          }),
        ]);
      }),
    );
  } catch (e) {
    await endShareThreads(pool);
    throw e;
  } finally {
    clearInterval(poll);
  }
}
