import type { Db } from '../db/client';
import { runStore } from '../runs';
import { createOutbox, pausedHoldReason, type Outbox } from '../outbox';

// where they have always been imported from; the outbox owns them now
export { archivedExitReason, pausedHoldReason, frozenMessage } from '../outbox';

export interface HoldReport {
  /** runs whose timer was parked (or restored) */
  timers: number;
  /** outbox rows held back (or queued again) */
  messages: number;
}

/** What resume does with timers that fell due during the pause: fire them now, or restart their waits from the resume. */
export type DueTimers = 'continue' | 'skip';

export interface EndReport {
  /** runs ended with the reason */
  exited: number;
  /** messages not yet sent, suppressed with the reason */
  suppressed: number;
}

/**
 * What a journey's status change does to its runs and its outbox, each a
 * handful of set-based statements (never a loop over contacts). The caller
 * runs them inside the transaction that changes the status, so the journey
 * row and its runs never disagree.
 *
 * Pause freezes: timers move from `wake_at` to `held_wake_at` (the runner
 * claims by `wake_at` only) and queued messages become `held` (the
 * dispatcher claims `queued` only); the run store writes the runs' side and
 * the outbox the messages'. The event router skips the runs of a
 * paused journey and the live index drops its entry, goals and exit
 * criteria, so nothing moves a frozen run. Resume reverses both UPDATEs;
 * whatever fell due in between fires on the next tick.
 */
export function createRunLifecycle(db: Db, outbox: Outbox = createOutbox(db)) {
  const runs = runStore(db);
  return {
    /** Freeze a journey's runs: park their timers and hold their queued messages. */
    hold(journeyId: string, now: number): HoldReport {
      return {
        timers: runs.holdTimers(journeyId),
        messages: outbox.hold(journeyId, pausedHoldReason, now),
      };
    },

    /**
     * Thaw them: messages go back as they were; timers too ('continue': what
     * is overdue goes on the next tick), or ('skip') a timer that fell due
     * during the pause starts its wait again from `now`, so nobody gets a
     * message late in a burst.
     */
    release(journeyId: string, now: number, dueTimers: DueTimers = 'continue'): HoldReport {
      return {
        timers: dueTimers === 'skip' ? runs.restartDueTimers(journeyId, now) : runs.releaseTimers(journeyId),
        messages: outbox.release(journeyId, now),
      };
    },

    /** What resuming would release now: the parked timers, and how many of them fell due during the pause. */
    heldTimers(journeyId: string, now: number): { due: number; held: number } {
      return runs.heldTimers(journeyId, now);
    },

    /**
     * End every run still in the journey with `reason`, counted as `exited`
     * metrics under that reason (UTC day of `now`), and suppress what its
     * outbox has not sent yet: an archived journey says nothing more.
     */
    end(journeyId: string, reason: string, now: number): EndReport {
      return { exited: runs.endJourney(journeyId, reason, now), suppressed: outbox.suppressUnsent(journeyId, reason, now) };
    },
  };
}

export type RunLifecycle = ReturnType<typeof createRunLifecycle>;
