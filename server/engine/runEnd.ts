import type { Db } from '../db/client';
import { createOutbox, type Outbox } from '../outbox';
import { runStore } from '../runs';

/**
 * Ends runs that leave the journey other than by a step (`runIdsJson`, a JSON
 * array of ids: orphans, an archived journey's runs) with `exitReason`,
 * counted as exits, their gauges dropping, and suppresses the messages they
 * had deferred under `messageReason` (the outbox's `suppressDeferred`). One
 * transaction; how many ended.
 */
export function createRunEnd(db: Db, outbox: Outbox = createOutbox(db)): (runIdsJson: string, exitReason: string, messageReason: string, now: number) => number {
  const runs = runStore(db);
  return db.$client.transaction((runIdsJson: string, exitReason: string, messageReason: string, now: number): number => {
    outbox.suppressDeferred(runIdsJson, messageReason, now);
    return runs.endRuns(runIdsJson, exitReason, now);
  });
}
