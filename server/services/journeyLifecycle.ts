import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeys, type JourneyStatus } from '../db/schema';
import type { Clock } from '../clock';
import { archivedExitReason, type DueTimers, type RunLifecycle } from '../engine/lifecycle';
import { notFound, refuse } from './errors';

export interface StatusChange {
  id: string;
  status: JourneyStatus;
  updatedAt: number;
  updatedBy: string;
}

export interface JourneyLifecycleDeps {
  db: Db;
  clock: Clock;
  runs: RunLifecycle;
  /** the engine's live index must forget the journey's old status before its next tick */
  onLiveChange?: (() => void) | undefined;
}

type Action = 'pause' | 'resume' | 'archive';

/**
 * Which statuses each action accepts and where it leads. Publishing is not
 * here: it makes a draft live and leaves a paused journey paused (see
 * `publish`), and refuses an archived one.
 */
const transitions: Record<Action, { from: readonly JourneyStatus[]; to: JourneyStatus; past: 'paused' | 'resumed' | 'archived' }> = {
  pause: { from: ['live'], to: 'paused', past: 'paused' },
  resume: { from: ['paused'], to: 'live', past: 'resumed' },
  archive: { from: ['draft', 'live', 'paused'], to: 'archived', past: 'archived' },
};

/**
 * Pause, resume and archive. Each is one transaction: the journey row (with
 * who and when) and the engine's set-based changes to its runs and outbox
 * land together, so a tick never sees a paused journey with live timers.
 *
 * - pause (live only): the journey is frozen, not stopped. Nobody enters;
 *   its runs keep their place but their timers are parked and their queued
 *   messages held; events (the awaited ones, exit criteria, goals) pass it by
 *   and are not replayed later. Its runs still count as in the journey for
 *   mutual-exclusion groups.
 * - resume (paused only): timers and messages come back as they were, and
 *   what fell due during the pause goes on the first tick after; or, the
 *   operator choosing "skip what fell due", each timer that fell due starts
 *   its wait again from the resume (no late burst of stale messages).
 * - archive (anything not archived; archive is the delete): nobody enters
 *   again, every run still in it ends with `journey_archived` (counted in the
 *   metrics) and messages not sent yet are suppressed. Versions and metrics stay.
 */
export function createJourneyLifecycle({ db, clock, runs, onLiveChange }: JourneyLifecycleDeps) {
  function change(id: string, action: Action, actor: string, effect: (now: number) => void): StatusChange {
    const { from, to, past } = transitions[action];
    const result = db.transaction((tx) => {
      const j = tx.select({ name: journeys.name, status: journeys.status }).from(journeys).where(eq(journeys.id, id)).get();
      if (!j) throw notFound('journey', id);
      if (!from.includes(j.status)) {
        throw refuse('CONFLICT', 'journey_status', { name: j.name, status: j.status, past, already: j.status === past ? 'yes' : 'no' }, { status: j.status });
      }
      const now = clock.now();
      tx.update(journeys).set({ status: to, updatedAt: now, updatedBy: actor }).where(eq(journeys.id, id)).run();
      effect(now);
      return { id, status: to, updatedAt: now, updatedBy: actor };
    });
    onLiveChange?.();
    return result;
  }

  return {
    /** Freeze a live journey where it stands. */
    pause: (id: string, actor: string): StatusChange => change(id, 'pause', actor, (now) => runs.hold(id, now)),

    /**
     * Thaw a paused journey: held messages go on; timers go on from where they
     * were ('continue': what fell due during the pause goes at once) or, with
     * 'skip', each timer that fell due restarts its wait from now.
     */
    resume: (id: string, actor: string, dueTimers: DueTimers = 'continue'): StatusChange & { dueTimers: DueTimers } => ({
      ...change(id, 'resume', actor, (now) => runs.release(id, now, dueTimers)),
      dueTimers,
    }),

    /** Before resuming: how many of a paused journey's contacts wait on a timer, and how many of those timers fell due during the pause. */
    dueOnResume(id: string): { status: JourneyStatus; timers: number; due: number } {
      const j = db.select({ status: journeys.status }).from(journeys).where(eq(journeys.id, id)).get();
      if (!j) throw notFound('journey', id);
      if (j.status !== 'paused') return { status: j.status, timers: 0, due: 0 };
      const t = runs.heldTimers(id, clock.now());
      return { status: j.status, timers: t.held, due: t.due };
    },

    /** Retire a journey for good; `exited` is how many runs it ended. */
    archive(id: string, actor: string): StatusChange & { exited: number } {
      let exited = 0;
      const r = change(id, 'archive', actor, (now) => {
        exited = runs.end(id, archivedExitReason, now).exited;
      });
      return { ...r, exited };
    },
  };
}

export type JourneyLifecycle = ReturnType<typeof createJourneyLifecycle>;
