import { workerData } from 'node:worker_threads';
import { runBacktest } from '../run';
import { serveThread, type BacktestThreadData } from './protocol';

/**
 * One backtest on a thread of its own: the copy and the replays are long,
 * synchronous stretches of SQLite work, which would stop the API's event loop
 * (and the engine's ticks, on their thread, share only the CPU). Reads the
 * live file through its own read-only connection and ATTACH; writes only its
 * copies. Posts progress at most every 200 ms, then the result.
 */
const { job, cancel } = workerData as BacktestThreadData;

await serveThread(cancel, job.lowerTo, (hooks) => runBacktest(job, { ...hooks, cancelFlag: cancel }));
