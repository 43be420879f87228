// The checkpointer's thread (see checkpointer.ts): its own connection to the
// database file, copying committed WAL frames back into the file, so the
// engine's thread never stops to do it. Plain JavaScript: a worker thread
// starts without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { everyMs, maxBackoffMs } = workerData;
const db = new Database(workerData.path);
let failures = 0;
let timer = null;

// A failing checkpoint (disk full, an I/O error, a file that is not a database)
// backs off exponentially, up to maxBackoffMs, instead of failing again every
// few milliseconds; the first success puts it back on its beat.
function checkpoint() {
  try {
    // PASSIVE: copies what no reader still needs; never waits, never blocks a writer
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    if (failures > 0) parentPort.postMessage({ type: 'recovered', failures });
    failures = 0;
    if (workerData.report) parentPort.postMessage({ type: 'checkpoint', log: row.log, checkpointed: row.checkpointed });
  } catch (e) {
    failures++;
    parentPort.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e), failures, retryInMs: delay() });
  }
  timer = setTimeout(checkpoint, delay());
}
const delay = () => (failures === 0 ? everyMs : Math.min(maxBackoffMs, everyMs * 2 ** failures));
timer = setTimeout(checkpoint, everyMs);

parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
