import { Worker } from 'node:worker_threads';
import { walAutocheckpointPages, type Db } from './client';
import { log as processLog, type Logger } from '../obs/log';

/** What a checkpoint did: WAL frames in the log, and how many of them are back in the database file. */
export interface CheckpointReport {
  log: number;
  checkpointed: number;
}

/**
 * WAL pages after which the connection given to `startCheckpointer` checkpoints
 * anyway (the only one when the engine runs in the API's process; the API's
 * when it has a thread of its own, whose connection keeps the lower
 * `walAutocheckpointPages`). The log starts over only when a write begins with
 * every frame copied back, which a writer that never pauses (a long backlog)
 * does not allow; then a threshold bounds it. Also the safety net should the
 * thread stall.
 */
const fallbackPages = 2 * walAutocheckpointPages;

/** A failed checkpoint: the thread tries again after `retryInMs`, doubling the wait each time up to `maxBackoffMs`. */
export interface CheckpointFailure {
  message: string;
  /** failures in a row, this one included */
  failures: number;
  retryInMs: number;
}

export interface Checkpointer {
  /** Stop the thread and close its connection; the engine's connection checkpoints by itself again. */
  stop: () => Promise<void>;
}

/**
 * Moves WAL checkpoints off the engine's thread. Left to SQLite, the commit
 * that crosses the WAL threshold copies every page back into the database
 * file and syncs it, inside a runner batch: in the 200k-contact bench, a
 * quarter of the first wave's time. Here a worker thread with its own connection
 * runs a PASSIVE checkpoint every `everyMs` on the other core, which never
 * blocks a writer; the connection given keeps a threshold twice as far
 * (`fallbackPages`). Crash safety is SQLite's: a checkpoint cut short is redone.
 *
 * With the engine on a thread of its own, the connection given is the API's,
 * and the engine's own keeps `walAutocheckpointPages`. While the engine writes
 * without a pause, this thread's passes never catch up with the end of the
 * log, so the log starts over only after the engine's commit that crosses that
 * threshold checkpoints the rest (about every 156 MB, 13–50 ms of the write
 * lock). That is the engine's commit, not the API's, and
 * it is what keeps the WAL bounded: with both thresholds out of reach it grew to
 * 1.5 GB in bench:api's minute. Taking the write lock here for a last pass after
 * one of this thread's once the log holds 64 MB (2.4 times as often) cost
 * 9–20 ms a time, most of it the syncs, and neither the API's p99 nor the
 * engine's rate got better.
 */
export function startCheckpointer(
  db: Db,
  path: string,
  opts: { everyMs?: number; maxBackoffMs?: number; onCheckpoint?: (r: CheckpointReport) => void; onFailure?: (f: CheckpointFailure) => void; logger?: Logger } = {},
): Checkpointer {
  const logger = (opts.logger ?? processLog).child({ component: 'checkpointer' });
  if (path === ':memory:') throw new Error('an in-memory database has no WAL to checkpoint');
  db.$client.pragma(`wal_autocheckpoint = ${fallbackPages}`);
  const worker = new Worker(new URL('./checkpointWorker.mjs', import.meta.url), {
    // reports only to a listener: twenty messages a second for nobody would be waste
    workerData: { path, everyMs: opts.everyMs ?? 50, maxBackoffMs: opts.maxBackoffMs ?? 30_000, report: opts.onCheckpoint !== undefined },
  });
  worker.unref();
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  let lastMessage = '';
  type Message = { type: 'checkpoint'; log: number; checkpointed: number } | ({ type: 'error' } & CheckpointFailure) | { type: 'recovered'; failures: number };
  worker.on('message', (m: Message) => {
    if (m.type === 'checkpoint') return opts.onCheckpoint?.({ log: m.log, checkpointed: m.checkpointed });
    if (m.type === 'recovered') {
      lastMessage = '';
      return logger.info({ failures: m.failures }, `WAL checkpoints work again after ${m.failures} failures`);
    }
    opts.onFailure?.({ message: m.message, failures: m.failures, retryInMs: m.retryInMs });
    // once per cause, not once per attempt: the thread backs off, and the engine's own checkpoints are the safety net
    if (m.message !== lastMessage) logger.error({ failures: m.failures, retryInMs: m.retryInMs }, `WAL checkpoint failed: ${m.message}; retrying with backoff`);
    lastMessage = m.message;
  });
  worker.on('error', (e) => {
    logger.error({ err: e }, 'checkpointer thread failed; the engine checkpoints by itself again');
    if (db.$client.open) db.$client.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
  });
  return {
    async stop() {
      // unref'd, the thread would let a process with nothing else to do exit before it has stopped (and skip what follows the stop)
      worker.ref();
      worker.postMessage('stop');
      await exited;
      if (db.$client.open) db.$client.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
    },
  };
}
