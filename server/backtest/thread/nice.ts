import { setPriority } from 'node:os';

/**
 * A backtest is a background job beside the live engine, which ticks on
 * another thread of the same process: on a machine with few cores, the tick
 * goes first. Linux sets the nice value of the calling thread only (pid 0),
 * so the API and the engine keep theirs; raising one's own nice value needs
 * no privilege. Where the platform refuses, the backtest runs as it is.
 */
export const backtestNice = 10;

/** Lower the calling thread's priority to `backtestNice` (each backtest thread calls it first). */
export function lowerThisThread(): void {
  try {
    setPriority(0, backtestNice);
  } catch {
    // not permitted here: same priority as the rest of the server
  }
}
