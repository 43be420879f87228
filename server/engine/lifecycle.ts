import type { Db } from '../db/client';
import { utcDay } from '../../shared/util/time';
import { addToMetrics } from './counters';
import { createOutbox, pausedHoldReason, type Outbox } from '../outbox';

// where they have always been imported from; the outbox owns them now
export { archivedExitReason, pausedHoldReason, frozenMessage } from '../outbox';

export interface HoldReport {
  /** runs whose timer was parked (or restored) */
  timers: number;
  /** outbox rows held back (or queued again) */
  messages: number;
}

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
 * dispatcher claims `queued` only); the outbox writes the messages' side. The event router skips the runs of a
 * paused journey and the live index drops its entry, goals and exit
 * criteria, so nothing moves a frozen run. Resume reverses both UPDATEs;
 * whatever fell due in between fires on the next tick.
 */
export function createRunLifecycle(db: Db, outbox: Outbox = createOutbox(db)) {
  const c = db.$client;
  const holdTimers = c.prepare(`update runs set held_wake_at = wake_at, wake_at = null where journey_id = ? and wake_at is not null`);
  const releaseTimers = c.prepare(`update runs set wake_at = held_wake_at, held_wake_at = null where journey_id = ? and held_wake_at is not null`);
  // metrics before the rows change: one counter per (version, node), as the runner writes them
  const countExits = c.prepare(
    addToMetrics(`select r.journey_id, v.version, r.node_id, 'exited', ?, ?, count(*)
     from runs r join journey_versions v on v.id = r.version_id
     where r.journey_id = ? and r.status <> 'exited'
     group by r.version_id, r.node_id`),
  );
  const endRuns = c.prepare(
    `update runs set status = 'exited', exit_reason = ?, exited_at = ?, wake_at = null, held_wake_at = null, waiting_for = null
     where journey_id = ? and status <> 'exited'`,
  );
  // every run of the journey has exited: no one is at any of its nodes any more
  const zeroGauges = c.prepare(`update node_gauges set active = 0 where version_id in (select id from journey_versions where journey_id = ?)`);

  return {
    /** Freeze a journey's runs: park their timers and hold their queued messages. */
    hold(journeyId: string, now: number): HoldReport {
      return {
        timers: holdTimers.run(journeyId).changes,
        messages: outbox.hold(journeyId, pausedHoldReason, now),
      };
    },

    /** Thaw them: timers and messages go back exactly as they were; what is overdue goes on the next tick. */
    release(journeyId: string, now: number): HoldReport {
      return {
        timers: releaseTimers.run(journeyId).changes,
        messages: outbox.release(journeyId, now),
      };
    },

    /**
     * End every run still in the journey with `reason`, counted as `exited`
     * metrics under that reason (UTC day of `now`), and suppress what its
     * outbox has not sent yet: an archived journey says nothing more.
     */
    end(journeyId: string, reason: string, now: number): EndReport {
      const day = utcDay(now);
      countExits.run(reason, day, journeyId);
      const exited = endRuns.run(reason, now, journeyId).changes;
      zeroGauges.run(journeyId);
      return { exited, suppressed: outbox.suppressUnsent(journeyId, reason, now) };
    },
  };
}

export type RunLifecycle = ReturnType<typeof createRunLifecycle>;
