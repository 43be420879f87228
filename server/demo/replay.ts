import type { Db } from '../db/client';
import type { Services } from '../services';
import type { EngineTick } from '../engine';
import { DAY, MINUTE } from '../../shared/util/time';
import { nextEnrolmentAt } from '../engine/segmentEntry';
import type { CatchUpClock } from './catchUpClock';
import type { Feeder } from './feed';

export interface ReplayReport {
  from: number;
  to: number;
  wallMs: number;
  steps: number;
  ticks: number;
  /** organic calls ingested */
  ingested: number;
  enrolled: number;
  sent: number;
  /** simulated replies delivered as events */
  responses: number;
  /** wall ms from the start of the replay to the first message sent */
  firstSentMs: number | null;
  /** wall ms spent ingesting organic calls, and ticking the engine */
  ingestMs: number;
  tickMs: number;
  /** the step the replay ended with (it widens when the budget is short) */
  stepMs: number;
}

export interface ReplayOptions {
  db: Db;
  services: Services;
  clock: CatchUpClock;
  feed: Feeder;
  /** simulated time between engine ticks; default 10 minutes (widened when the budget is short) */
  stepMs?: number;
  /** wall-clock budget: the step widens (up to 1 hour) when the replay would overrun it */
  budgetMs?: number;
  /** called once per simulated day */
  onDay?: (r: ReplayReport, now: number) => void;
  /** asked between steps: true ends the replay early (the server is closing) */
  stopped?: () => boolean;
}

/**
 * Whether a tick at `now` would find anything to do: a run's timer, a reply,
 * a queued message or a segment schedule due. Three index probes; the next
 * enrolment time is recomputed only after a tick or when the live journeys
 * change (engine.nextDue re-derives it, and prepares its query, every call).
 */
function createDueCheck(db: Db, services: Services, from: number) {
  const c = db.$client;
  const anyDue = c.prepare<[number, number, number], { one: number }>(
    `select 1 one where exists (select 1 from runs where wake_at is not null and wake_at <= ?)
       or exists (select 1 from scheduled_events where due_at <= ?)
       or exists (select 1 from messages where status = 'queued' and next_attempt_at <= ?)`,
  );
  let live: unknown = null;
  let enrolAt: number | null = null;
  let after = from - 1;
  const engine = services.engine;
  return {
    by(now: number): boolean {
      const current = engine.live.live();
      if (current !== live) {
        live = current;
        enrolAt = nextEnrolmentAt(db, current, after, services.workspace.settings().timezone);
      }
      return (enrolAt !== null && enrolAt <= now) || anyDue.get(now, now, now) !== undefined;
    },
    ticked(now: number): void {
      after = now;
      live = null;
    },
  };
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Replays the past through the real engine until the clock catches up with
 * the wall clock: the clock jumps step by step; in each step the population's
 * organic calls go through ingestion at their own times, then the engine
 * ticks at the step's end (segment entry, replies, runner, dispatcher) until
 * nothing due is left; a step where nothing falls due is skipped. Between
 * steps it yields, so the server answers requests throughout. Steps end on
 * multiples of the step (10:00, 10:10 …), so segment schedules are met on
 * the minute; a wait fires at most one step late, as with a cron that ticks
 * every ten minutes.
 */
export async function replay(o: ReplayOptions): Promise<ReplayReport> {
  const { services, clock, feed } = o;
  const engine = services.engine;
  const started = performance.now();
  const widths = [o.stepMs ?? 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE].filter((s, i, all) => i === 0 || s > all[0]!);
  let step = widths[0]!;
  const budget = o.budgetMs ?? 45_000;
  const from = clock.now();
  const r: ReplayReport = { from, to: from, wallMs: 0, steps: 0, ticks: 0, ingested: 0, enrolled: 0, sent: 0, responses: 0, firstSentMs: null, ingestMs: 0, tickMs: 0, stepMs: 0 };
  let nextDay = from + DAY;
  let dayStartedMs = 0;
  const due = createDueCheck(o.db, services, from);

  const add = (t: EngineTick) => {
    r.ticks++;
    r.enrolled += t.enrolled;
    r.sent += t.dispatch.sent;
    r.responses += t.responses;
    if (r.firstSentMs === null && t.dispatch.sent > 0) r.firstSentMs = performance.now() - started;
  };

  /** Tick at the clock's time until nothing is due; a throttled channel needs the clock to move a second. */
  async function drain(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      const t = await engine.tick(clock.now());
      if (!t) {
        // another tick (a request's) is running: let it finish
        await yieldToRequests();
        continue;
      }
      add(t);
      if (t.dispatch.throttled && !t.runs.backlog && !t.dispatch.backlog) clock.moveTo(clock.now() + 1000);
      else if (!t.runs.backlog && !t.dispatch.backlog) return due.ticked(clock.now());
    }
  }

  while (!clock.caughtUp && !o.stopped?.()) {
    const now = clock.now();
    const target = Math.floor(now / step) * step + step;
    // never past the wall clock: what is still in the future arrives in real time later
    const t0 = performance.now();
    r.ingested += feed.feedUntil(Math.min(target, clock.wall()), (at) => clock.moveTo(at));
    const t1 = performance.now();
    clock.moveTo(target);
    // a tick costs milliseconds even when idle: skip the steps (nights, mostly) where nothing falls due
    if (due.by(clock.now())) await drain();
    r.ingestMs += t1 - t0;
    r.tickMs += performance.now() - t1;
    r.steps++;
    if (clock.now() >= nextDay || clock.caughtUp) {
      r.to = clock.now();
      r.wallMs = performance.now() - started;
      o.onDay?.(r, clock.now());
      // keep within the budget: widen the step when the rest, at the last day's pace, would overrun it
      // (the first day is no guide: it enrols every segment's backlog at once)
      const dayMs = r.wallMs - dayStartedMs;
      if (clock.now() - from > DAY && r.wallMs + (dayMs / DAY) * (clock.wall() - clock.now()) > budget) step = widths.find((s) => s > step) ?? step;
      dayStartedMs = r.wallMs;
      nextDay += DAY;
    }
    await yieldToRequests();
  }
  r.to = clock.now();
  r.wallMs = performance.now() - started;
  r.stepMs = step;
  return r;
}
