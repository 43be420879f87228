// The checkpointer's thread (see checkpointer.ts): its own connection to the
// database file, copying committed WAL frames back into the file, so the
// engine's thread never stops to do it. Plain JavaScript: a worker thread
// starts without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs; never waits, never blocks a writer
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    if (workerData.report) parentPort.postMessage({ type: 'checkpoint', log: row.log, checkpointed: row.checkpointed });
  } catch (e) {
    parentPort.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}, workerData.everyMs);

parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
