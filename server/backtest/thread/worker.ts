import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { runBacktest } from '../run';
import { BacktestCancelled } from '../replay';
import type { BacktestThreadData, FromBacktestThread } from './protocol';

/**
 * One backtest on a thread of its own: the copy and the replays are long,
 * synchronous stretches of SQLite work, which would stop the API's event loop
 * (and the engine's ticks, on their thread, share only the CPU). Reads the
 * live file through its own read-only connection and ATTACH; writes only its
 * copies. Posts progress at most every 200 ms, then the result.
 */
const { job, cancel } = workerData as BacktestThreadData;

/**
 * A backtest is a background job beside the live engine, which ticks on
 * another thread of the same process: on a machine with few cores, the tick
 * goes first. Linux sets the nice value of the calling thread only (pid 0),
 * so the API and the engine keep theirs; raising one's own nice value needs
 * no privilege. Where the platform refuses, the backtest runs as it is.
 */
const backtestNice = 10;
try {
  setPriority(0, backtestNice);
} catch {
  // not permitted here: same priority as the rest of the server
}
const port = parentPort;
if (!port) throw new Error('a backtest runs as a worker');
const send = (m: FromBacktestThread) => port.postMessage(m);
const flag = new Int32Array(cancel);
let lastPost = Number.NEGATIVE_INFINITY;

try {
  const result = await runBacktest(job, {
    progress: (progress, phase) => {
      const now = performance.now();
      if (now - lastPost < 200 && progress < 1) return;
      lastPost = now;
      send({ type: 'progress', progress, phase });
    },
    cancelled: () => Atomics.load(flag, 0) === 1,
  });
  send({ type: 'done', result });
} catch (e) {
  if (e instanceof BacktestCancelled) send({ type: 'cancelled' });
  else send({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
}
