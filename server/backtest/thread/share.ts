import { parentPort, workerData } from 'node:worker_threads';
import { replayShare } from '../run';
import { BacktestCancelled } from '../replay';
import { progressPoster } from './protocol';
import type { FromShareThread, ShareThreadData } from './shares';
import { lowerThisThread } from './nice';

/**
 * One share of a large backtest's contacts on a thread of its own
 * (`replayOnThreads`): its copy, then its replays, at the backtest's low
 * priority. Posts progress at most every 200 ms, then its figures.
 */
const { job, draftMachine, plan, dir, cancel, threads } = workerData as ShareThreadData;

lowerThisThread();
const port = parentPort;
if (!port) throw new Error('a backtest share runs as a worker');
const send = (m: FromShareThread) => port.postMessage(m);
const flag = new Int32Array(cancel);

try {
  const result = replayShare(
    job,
    draftMachine,
    plan,
    dir,
    {
      progress: progressPoster((progress, phase) => send({ type: 'progress', progress, phase })),
      cancelled: () => Atomics.load(flag, 0) === 1,
    },
    threads,
  );
  send({ type: 'done', result });
} catch (e) {
  if (e instanceof BacktestCancelled) send({ type: 'cancelled' });
  else send({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
}
