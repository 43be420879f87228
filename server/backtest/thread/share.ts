import { parentPort } from 'node:worker_threads';
import { replayShare } from '../run';
import { serveThread } from './protocol';
import type { ShareThreadData } from './shares';

/**
 * One share of a large backtest's contacts on a thread of its own
 * (`replayOnThreads`): its copy, then its replays, at the backtest's low
 * priority. Started before the plan is read (`startShareThreads`), it waits
 * for its share as its first message. Posts progress at most every 200 ms,
 * then its figures.
 */
const { job, draftMachine, plan, dir, cancel, threads } = await new Promise<ShareThreadData>((resolve) => parentPort?.once('message', resolve));

await serveThread(cancel, job.lowerTo, (hooks) => replayShare(job, draftMachine, plan, dir, hooks, threads));
