import type { FakeClock } from '../clock';
import type { BacktestEngine, BacktestTick } from './engine';
import { createHeldRouter } from './route';
import type { RecordedEvent } from './copy';
import type { Db } from '../db/client';

export interface ReplayHooks {
  /** the share of the window replayed so far, 0..1 */
  progress?: (fraction: number) => void;
  /** asked between ticks and events: true stops the replay with `BacktestCancelled` */
  cancelled?: () => boolean;
}

export class BacktestCancelled extends Error {
  constructor() {
    super('the backtest was cancelled');
  }
}

/** Did the tick do anything, or leave work for another tick at the same moment? (As the fake clock's `advance` asks.) */
const busy = (t: BacktestTick): boolean => t.enrolled + t.runs.stepped > 0 || t.runs.backlog;

/**
 * Drive `engine` from the clock's time to `to` as the live scheduler would,
 * recording `events` (in time order) through the engine's own event router
 * at their recorded time, as ingestion does: the engine ticks at every moment
 * something falls due (a timer, a retry, a scheduled segment entry), draining
 * each moment before the clock moves on, and between those moments it is not
 * ticked at all (a tick with nothing due changes nothing). The same moments
 * the fake clock's `advance` stops at, so a replay and a live engine driven
 * by `advance` over the same events end with the same rows.
 *
 * Events recorded between two ticks share one transaction (ingestion writes
 * a batch in one too): the copy's file is written once per stretch, not once
 * per event and statement. So do the ticks of one drain: each batch's
 * transaction nests in it as a savepoint, and the file is written once per
 * moment instead of once per batch (at 1M contacts the batches' commits took
 * 1.1 s of each share's replay). The next segment entry moves only when a tick
 * enrols, so it is asked once per drain; the timers after every event.
 */
export function replayEvents(
  engine: BacktestEngine,
  db: Db,
  clock: FakeClock,
  events: readonly RecordedEvent[],
  to: number,
  hooks: ReplayHooks = {},
  readNames: readonly string[] | null = null,
): { ticks: number; recorded: number } {
  const c = db.$client;
  const from = clock.now();
  const span = Math.max(1, to - from);
  let ticks = 0;
  let drainedAt = Number.NaN;
  let enrolAt = engine.nextEnrolmentDue(from - 1);
  let open = false;
  const commit = () => {
    if (open) c.exec('commit');
    open = false;
  };
  // with the sleeping pass off, only the names something reads back need rows (the rest only wake a sleeping contact)
  const router = createHeldRouter(db, engine.events, engine.live, engine.sleepingPass || readNames === null ? null : new Set(readNames));
  /** the next timer after `after` as last read, while nothing moved since: an event held moves none */
  let known: { after: number; t: number | null } | null = null;
  const nextTimer = (after: number): number | null => {
    if (known !== null && known.after <= after && (known.t === null || known.t > after)) return known.t;
    const t = engine.nextTimerDue(after);
    known = { after, t };
    return t;
  };
  const check = () => {
    if (hooks.cancelled?.()) throw new BacktestCancelled();
  };

  /** Tick at the clock's moment until nothing more is due there. */
  const drain = () => {
    router.flush();
    known = null;
    if (!open) c.exec('begin');
    open = true;
    for (;;) {
      check();
      const t = engine.tick(clock.now());
      ticks++;
      if (!busy(t)) break;
    }
    commit();
    drainedAt = clock.now();
    enrolAt = engine.nextEnrolmentDue(drainedAt);
  };

  /** Every moment up to `t` at which something is due, drained in order; the clock ends at `t`. */
  const driveTo = (t: number) => {
    for (;;) {
      const now = clock.now();
      // due at the current moment too (a run an event just started), unless this moment is already drained
      const timer = nextTimer(drainedAt === now ? now : now - 1);
      const due = timer === null ? enrolAt : enrolAt === null ? timer : Math.min(timer, enrolAt);
      if (due === null || due > t) break;
      if (due > now) clock.advance(due - now);
      drain();
      hooks.progress?.((clock.now() - from) / span);
    }
    if (t > clock.now()) clock.advance(t - clock.now());
  };

  let recorded = 0;
  try {
    for (const [contactId, name, type, properties, context, at, messageId] of events) {
      if (at > to) break;
      driveTo(Math.max(at, clock.now()));
      check();
      if (!open) c.exec('begin');
      open = true;
      const moved = router.record(
        { contactId, name, type, properties: JSON.parse(properties) as Record<string, unknown>, context: context === null ? null : (JSON.parse(context) as Record<string, unknown>), at, messageId },
        clock.now(),
      );
      if (moved) known = null;
      // the moment holds new work (a run the event woke or started) until drained again
      drainedAt = Number.NaN;
      recorded++;
      if (recorded % 256 === 0) hooks.progress?.((clock.now() - from) / span);
    }
    driveTo(to);
    router.flush();
    commit();
  } finally {
    if (open) c.exec('rollback');
  }
  hooks.progress?.(1);
  return { ticks, recorded };
}
