import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeys, type JourneyStatus } from '../db/schema';
import type { Clock } from '../clock';
import { archivedExitReason, type DueTimers, type RunLifecycle } from '../engine/lifecycle';
import { notFound, refuse } from './errors';
import { writeApart } from '../db/writeGate';
import { log } from '../obs/log';

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
  /** work for after the status change commits (the audit log's `afterCommit`); without it, the work starts at once */
  afterCommit?: ((task: () => Promise<void>) => Promise<void>) | undefined;
}

/**
 * How many runs a slice of a pause or an archive reads (an id range: nothing
 * indexes a journey's runs), a slice of a resume puts back, and a slice of
 * messages holds, releases or suppresses. A run written costs 2–4 µs (a
 * timer out of one index and into another), a message about 5 (its row and
 * history rewritten, out of one partial index and into another): about
 * 10 ms of the API's event loop a slice, with requests served between two.
 * (Holding 194k queued messages in one statement took 680 ms.)
 */
export const slices = { range: 5_000, resume: 2_500, messages: 2_000 };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
 * Pause, resume and archive. Each changes the journey row (with who and
 * when) in one transaction. Its outbox, then its runs, change after that
 * commit, a slice of messages or runs at a time with requests served between
 * slices (`slices`), and the call answers once the last slice is written.
 * Meanwhile the dispatcher never claims a paused or archived journey's queued
 * message and the runner never steps its runs (one that falls due first it
 * parks, or ends as the archive would); a resume's unreleased messages and
 * timers simply wait for their slice; and a server that stops in between
 * finishes the change when it starts (`finishInterrupted`).
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
export function createJourneyLifecycle({ db, clock, runs, onLiveChange, afterCommit = (task) => task() }: JourneyLifecycleDeps) {
  const c = db.$client;
  const statusOf = (id: string) => db.select({ status: journeys.status }).from(journeys).where(eq(journeys.id, id)).get()?.status;

  // inside an audited change the work is awaited before the caller hears back, and a failure fails the call;
  // started at once (no change under way), a failure is logged
  const after = (what: string, task: () => Promise<void>) => void afterCommit(task).catch((err: unknown) => log.error({ err }, `${what} failed: ${err instanceof Error ? err.message : String(err)}`));

  /** Write `slice` (one transaction, the API's writes let in between) until it does less than `size` or `goOn` says stop. */
  async function inSlices(slice: () => number, size: number, goOn: () => boolean = () => true): Promise<void> {
    while (goOn() && (await writeApart(c, slice)) === size) await nextTurn();
  }
  /** The same at start-up, before the first request: nothing to serve between slices. */
  const inSlicesNow = (slice: () => number, size: number): void => {
    while (c.transaction(slice)() === size);
  };

  /** A pause's messages held, then its timers parked, a slice at a time while the journey stays paused. */
  async function freeze(id: string, pausedAt: number): Promise<void> {
    const paused = () => statusOf(id) === 'paused';
    await inSlices(() => runs.holdMessages(id, pausedAt, slices.messages), slices.messages, paused);
    for (const [from, to] of runs.idRanges(slices.range)) {
      if (!paused()) return;
      await writeApart(c, () => runs.parkTimers(id, from, to));
      await nextTurn();
    }
  }

  /** An archive's messages suppressed, then its runs ended, a slice at a time (archived is for good: nothing stops it). */
  async function endAll(id: string, archivedAt: number): Promise<void> {
    await inSlices(() => runs.suppressMessages(id, archivedExitReason, archivedAt, slices.messages), slices.messages);
    for (const [from, to] of runs.idRanges(slices.range)) {
      await writeApart(c, () => runs.endSlice(id, archivedExitReason, archivedAt, from, to));
      await nextTurn();
    }
    await writeApart(c, () => runs.endDone(id));
  }

  /** A resume's held messages, then its timers, put back a slice at a time while the journey stays live; then a 'skip' resume's moment is let go. */
  async function thaw(id: string, resumedAt: number, dueTimers: DueTimers): Promise<void> {
    const live = () => statusOf(id) === 'live';
    await inSlices(() => runs.releaseMessages(id, resumedAt, slices.messages), slices.messages, live);
    await inSlices(() => runs.releaseTimers(id, resumedAt, dueTimers, slices.resume), slices.resume, live);
    if (dueTimers === 'skip') await writeApart(c, () => skipDone(id, resumedAt));
  }
  /** the 'skip' resume at `resumedAt` has put back all it will (a later resume keeps its own moment) */
  const skipDone = (id: string, resumedAt: number) =>
    db
      .update(journeys)
      .set({ resumeSkipFrom: null })
      .where(and(eq(journeys.id, id), eq(journeys.resumeSkipFrom, resumedAt)))
      .run();

  function change(id: string, action: Action, actor: string, effect: (now: number) => void = () => undefined): StatusChange {
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
    /**
     * At start-up, before the first request: finish what a server stopped in
     * the middle of, the same slices at once. The outbox first: a live
     * journey's held messages go back to the queue, a paused one's queued
     * messages are held, an archived one's queued or held are suppressed.
     * Then a resume's timers not yet put back go back: a 'skip' resume's
     * restarting from its own moment (`resume_skip_from`), any other as they
     * were; and an archive's runs not yet ended end now.
     */
    finishInterrupted(): void {
      const now = clock.now();
      for (const { journeyId, to } of runs.frozenMessagesLeft()) {
        const slice = {
          release: () => runs.releaseMessages(journeyId, now, slices.messages),
          hold: () => runs.holdMessages(journeyId, now, slices.messages),
          suppress: () => runs.suppressMessages(journeyId, archivedExitReason, now, slices.messages),
        }[to];
        inSlicesNow(slice, slices.messages);
      }
      const skipping = db
        .select({ id: journeys.id, from: journeys.resumeSkipFrom })
        .from(journeys)
        .where(and(eq(journeys.status, 'live'), isNotNull(journeys.resumeSkipFrom)))
        .all();
      for (const { id, from } of skipping) {
        if (from === null) continue;
        inSlicesNow(() => runs.releaseTimers(id, from, 'skip', slices.resume), slices.resume);
        c.transaction(() => skipDone(id, from))();
      }
      runs.releaseStranded();
      for (const id of runs.archivedWithRuns()) {
        for (const [from, to] of runs.idRanges(slices.range)) c.transaction(() => runs.endSlice(id, archivedExitReason, now, from, to))();
        runs.endDone(id);
      }
    },

    /** Freeze a live journey where it stands. */
    pause(id: string, actor: string): StatusChange {
      const r = change(id, 'pause', actor);
      after('holding the messages and parking the timers of a paused journey', () => freeze(id, r.updatedAt));
      return r;
    },

    /**
     * Thaw a paused journey: held messages go on; timers go on from where they
     * were ('continue': what fell due during the pause goes at once) or, with
     * 'skip', each timer that fell due restarts its wait from now.
     */
    resume(id: string, actor: string, dueTimers: DueTimers = 'continue'): StatusChange & { dueTimers: DueTimers } {
      const r = change(id, 'resume', actor, (now) => {
        // kept until the last slice: a server stopped before it finishes the skip at its next start
        db.update(journeys)
          .set({ resumeSkipFrom: dueTimers === 'skip' ? now : null })
          .where(eq(journeys.id, id))
          .run();
      });
      after('putting back the messages and timers of a resumed journey', () => thaw(id, r.updatedAt, dueTimers));
      return { ...r, dueTimers };
    },

    /** Before resuming: how many of a paused journey's contacts wait on a timer, and how many of those timers fell due during the pause. */
    dueOnResume(id: string): { status: JourneyStatus; timers: number; due: number } {
      const j = db.select({ status: journeys.status }).from(journeys).where(eq(journeys.id, id)).get();
      if (!j) throw notFound('journey', id);
      if (j.status !== 'paused') return { status: j.status, timers: 0, due: 0 };
      const t = runs.heldTimers(id, clock.now());
      return { status: j.status, timers: t.held, due: t.due };
    },

    /** Retire a journey for good; `exited` is how many runs it ends (those still in it). */
    archive(id: string, actor: string): StatusChange & { exited: number } {
      let exited = 0;
      const r = change(id, 'archive', actor, () => {
        exited = runs.inJourney(id);
      });
      after('suppressing the messages and ending the runs of an archived journey', () => endAll(id, r.updatedAt));
      return { ...r, exited };
    },
  };
}

export type JourneyLifecycle = ReturnType<typeof createJourneyLifecycle>;
