import type { Db } from '../db/client';
import { runStore } from '../runs';
import { createOutbox, pausedHoldReason, type Outbox } from '../outbox';
import { createRunEnd } from './runEnd';

// where they have always been imported from; the outbox owns them now
export { archivedExitReason, pausedHoldReason, frozenMessage } from '../outbox';

/** What resume does with timers that fell due during the pause: fire them now, or restart their waits from the resume. */
export type DueTimers = 'continue' | 'skip';

/**
 * What a journey's status change does to its runs and its outbox, each a
 * handful of set-based statements (never a loop over contacts).
 *
 * Each change comes in slices after the status change commits, so half a
 * million waiting runs or queued messages never hold the write lock, or the
 * API, for long. Pause freezes: queued messages become `held` (the
 * dispatcher claims `queued` only, and never a paused or archived
 * journey's), then timers move from `wake_at` to `held_wake_at` (the runner
 * claims by `wake_at` only). Until a slice reaches a run, the runner parks it
 * itself if it falls due (it never steps a paused journey's run). The event
 * router skips the runs of a paused journey and the live index drops its
 * entry, goals and exit criteria, so nothing moves a frozen run. Resume
 * reverses both; a message or a timer not yet put back simply waits for its
 * slice. Archive suppresses the queued and held messages and ends the runs
 * (`endSlice`), the runner ending any of them that falls due first, as the
 * archive would.
 */
export function createRunLifecycle(db: Db, outbox: Outbox = createOutbox(db)) {
  const runs = runStore(db);
  const endRuns = createRunEnd(db, outbox);
  // through the gauges, which count who is at each node without a scan of runs
  const archivedWithRuns = db.$client
    .prepare<[], string>(
      `select j.id from journeys j where j.status = 'archived'
       and exists (select 1 from journey_versions v join node_gauges g on g.version_id = v.id where v.journey_id = j.id and g.active > 0)`,
    )
    .pluck();
  function endSlice(journeyId: string, reason: string, now: number, from: number, to: number): number {
    const ids = runs.journeyRunsIn(journeyId, from, to);
    return ids === '[]' ? 0 : endRuns(ids, reason, reason, now);
  }

  return {
    /** One slice of a pause: hold up to `limit` of the journey's queued messages; how many. Its timers are parked after, by `parkTimers`. */
    holdMessages: (journeyId: string, now: number, limit: number): number => outbox.hold(journeyId, pausedHoldReason, now, limit),

    /** One slice of a resume: up to `limit` held messages go back to the queue; how many. Its timers come back after, by `releaseTimers`. */
    releaseMessages: (journeyId: string, now: number, limit: number): number => outbox.release(journeyId, now, limit),

    /** One slice of an archive: suppress up to `limit` of what the journey's outbox has queued or held (an archived journey says nothing more); how many. */
    suppressMessages: (journeyId: string, reason: string, now: number, limit: number): number => outbox.suppressWaiting(journeyId, reason, now, limit),

    /** What a server stopped in the middle of a pause, a resume or an archive left in the outbox, by journey (see the outbox's `frozenLeft`). */
    frozenMessagesLeft: () => outbox.frozenLeft(),

    /** One slice of a pause: park the timers of the paused journey's runs with ids in [from, to]; how many. */
    parkTimers: (journeyId: string, from: number, to: number): number => runs.parkTimers(journeyId, from, to),

    /** The runs table's ids in ranges of `size` ([from, to], up to the highest id now): the slices of a pause or an archive. */
    *idRanges(size: number): Generator<[number, number]> {
      const last = runs.lastRunId();
      for (let from = 1; from <= last; from += size) yield [from, from + size - 1];
    },

    /**
     * One slice of a resume: put back up to `limit` parked timers as they were
     * ('continue': what is overdue goes on the next tick), or ('skip') a timer
     * that fell due during the pause starts its wait again from `now`, so
     * nobody gets a message late in a burst. How many.
     */
    releaseTimers: (journeyId: string, now: number, dueTimers: DueTimers, limit: number): number => runs.releaseTimers(journeyId, now, dueTimers, limit),

    /** Live journeys' timers still parked (a resume the server stopped in the middle of) go back as they were. How many. */
    releaseStranded: (): number => runs.releaseStranded(),

    /** What resuming would release now: the parked timers, and how many of them fell due during the pause. */
    heldTimers(journeyId: string, now: number): { due: number; held: number } {
      return runs.heldTimers(journeyId, now);
    },

    /** How many runs are still in the journey (not exited): what an archive ends. */
    inJourney: (journeyId: string): number => runs.inJourney(journeyId),

    /**
     * One slice of an archive: end the journey's runs with ids in [from, to]
     * with `reason`, counted as `exited` metrics under it (UTC day of `now`),
     * and suppress the messages they had deferred. How many ended.
     */
    endSlice,

    /** An archive's last step: no one is at any of the journey's nodes. */
    endDone: (journeyId: string): void => runs.zeroGauges(journeyId),

    /** Archived journeys someone is still at a node of: none, unless a server stopped in the middle of an archive. */
    archivedWithRuns: (): string[] => archivedWithRuns.all(),
  };
}

export type RunLifecycle = ReturnType<typeof createRunLifecycle>;
