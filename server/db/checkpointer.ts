import { Worker } from 'node:worker_threads';
import { walAutocheckpointPages, type Db } from './client';

/** What a checkpoint did: WAL frames in the log, and how many of them are back in the database file. */
export interface CheckpointReport {
  log: number;
  checkpointed: number;
}

/**
 * WAL pages after which the engine's own connection checkpoints anyway. The
 * log starts over only when a write begins with every frame copied back, which
 * a writer that never pauses (a long backlog) does not allow; then this bounds
 * it, and since the thread has copied most frames already, the engine's
 * checkpoint has little left to do. Also the safety net should the thread stall.
 */
const fallbackPages = 2 * walAutocheckpointPages;

export interface Checkpointer {
  /** Stop the thread and close its connection; the engine's connection checkpoints by itself again. */
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the engine's thread. Left to SQLite, the commit
 * that crosses the WAL threshold copies every page back into the database
 * file and syncs it, inside a runner batch: in the 200k-contact bench, a
 * quarter of the first wave's time. Here a worker thread with its own connection
 * runs a PASSIVE checkpoint every `everyMs` on the other core, which never
 * blocks a writer; the engine's connection keeps a threshold twice as far
 * (`fallbackPages`). Crash safety is SQLite's: a checkpoint cut short is redone.
 */
export function startCheckpointer(
  db: Db,
  path: string,
  opts: { everyMs?: number; onCheckpoint?: (r: CheckpointReport) => void } = {},
): Checkpointer {
  if (path === ':memory:') throw new Error('an in-memory database has no WAL to checkpoint');
  db.$client.pragma(`wal_autocheckpoint = ${fallbackPages}`);
  const worker = new Worker(new URL('./checkpointWorker.mjs', import.meta.url), {
    // reports only to a listener: twenty messages a second for nobody would be waste
    workerData: { path, everyMs: opts.everyMs ?? 50, report: opts.onCheckpoint !== undefined },
  });
  worker.unref();
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  worker.on('message', (m: { type: 'checkpoint'; log: number; checkpointed: number } | { type: 'error'; message: string }) => {
    if (m.type === 'error') console.error(`checkpointer: ${m.message}`);
    else opts.onCheckpoint?.({ log: m.log, checkpointed: m.checkpointed });
  });
  worker.on('error', (e) => {
    console.error('checkpointer thread failed; the engine checkpoints by itself again:', e);
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
