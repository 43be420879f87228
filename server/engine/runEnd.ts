import type { Db } from '../db/client';
import { utcDay } from '../../shared/util/time';
import { addToMetrics } from './counters';
import { outboxSql } from '../outbox/statements';
import { runStore } from '../runs';
import { historyEntry } from './writeBatch';

/**
 * Suppresses the deferred messages of runs leaving by some other way than
 * a step (a contact merged away, a run that cannot be stepped), counted
 * under `reason` like any suppression: one statement per kind of row, for a
 * whole set of runs given as a JSON array of ids.
 */
export function createDeferredDrop(db: Db): (runIdsJson: string, reason: string, now: number) => number {
  const c = db.$client;
  // the outbox owns message status: its statements, prepared here
  const countThem = c.prepare(addToMetrics(outboxSql.countDeferredOfRuns));
  const suppress = c.prepare(outboxSql.suppressDeferredOfRuns);
  return (runIdsJson, reason, now) => {
    countThem.run(reason, utcDay(now), runIdsJson);
    return suppress.run(reason, historyEntry('suppressed', now, { reason }), now, runIdsJson).changes;
  };
}

/**
 * Ends runs that leave the journey other than by a step (`runIdsJson`, a JSON
 * array of ids: orphans, an archived journey's runs) with `exitReason`,
 * counted as exits, their gauges dropping, and suppresses the messages they
 * had deferred under `messageReason`. One transaction; how many ended.
 */
export function createRunEnd(db: Db): (runIdsJson: string, exitReason: string, messageReason: string, now: number) => number {
  const runs = runStore(db);
  const dropDeferred = createDeferredDrop(db);
  return db.$client.transaction((runIdsJson: string, exitReason: string, messageReason: string, now: number): number => {
    dropDeferred(runIdsJson, messageReason, now);
    return runs.endRuns(runIdsJson, exitReason, now);
  });
}
