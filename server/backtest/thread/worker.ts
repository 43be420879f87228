import { parentPort, workerData } from 'node:worker_threads';
import { runBacktest } from '../run';
import { BacktestCancelled } from '../replay';
import { progressPoster, type BacktestThreadData, type FromBacktestThread } from './protocol';
import { lowerThisThread } from './nice';

/**
 * One backtest on a thread of its own: the copy and the replays are long,
 * synchronous stretches of SQLite work, which would stop the API's event loop
 * (and the engine's ticks, on their thread, share only the CPU). Reads the
 * live file through its own read-only connection and ATTACH; writes only its
 * copies. Posts progress at most every 200 ms, then the result.
 */
const { job, cancel } = workerData as BacktestThreadData;

lowerThisThread();
const port = parentPort;
if (!port) throw new Error('a backtest runs as a worker');
const send = (m: FromBacktestThread) => port.postMessage(m);
const flag = new Int32Array(cancel);

try {
  const result = await runBacktest(job, {
    progress: progressPoster((progress, phase) => send({ type: 'progress', progress, phase })),
    cancelled: () => Atomics.load(flag, 0) === 1,
    cancelFlag: cancel,
  });
  send({ type: 'done', result });
} catch (e) {
  if (e instanceof BacktestCancelled) send({ type: 'cancelled' });
  else send({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
}
