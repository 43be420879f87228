import type { Db } from '../db/client';
import { createMachineCache } from '../engine/machines';
import { createLiveIndex } from '../engine/live';
import { createRunner, type EngineSettings, type TickReport } from '../engine/runner';
import { createEventRouter } from '../engine/events';
import { nextEnrolmentAt, runSegmentEntries } from '../engine/segmentEntry';
import { createSleepingPass } from '../sleeping';
import { tickParts } from '../engine/attempts';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { SleepingRule } from '../../shared/policy/guardrails';

/** One tick of the backtest's engine: what it did, and whether the same moment holds more. */
export interface BacktestTick {
  enrolled: number;
  runs: TickReport;
}

/**
 * Whether the sleeping pass could mark anyone on a backtest's copy, whose only
 * journey is `machine`: the pass counts a contact's marketing messages and
 * finished runs in the copy, and a journey that admits a contact once (re-entry
 * `never`) gives each at most one run and at most its compiled message bound.
 * Below the rule's thresholds the pass finds no one, however long the window:
 * the replay skips it (at a million contacts each pass scans every message of
 * its 30 days). Contacts already marked in the live data stay marked either way.
 */
export function sleepingPassCanMark(machine: CompiledJourney, rule: SleepingRule): boolean {
  if (!rule.enabled) return false;
  if (machine.settings.reentry.policy !== 'never') return true;
  let bound = 0;
  for (const n of Object.values(machine.maxMessages)) {
    if (n === null) return true;
    bound += n;
  }
  return bound >= rule.reminders || rule.journeys <= 1;
}

/**
 * The runner's batches in a replay: about the live engine's size, with no
 * cap on a tick. Larger ones cost more, not less (at 1M contacts on two
 * threads: 10,000 a batch 35-37 s, 2,500 31-32 s): a batch's rows, contacts
 * and effects outgrow the young generation and the page cache's hot set. The
 * steps come out the same: runs are claimed in the same due order whatever the
 * batch, each contact's caps are read from the outbox of earlier batches, and
 * a step's draws are keyed by contact, never by a run's place in a batch.
 */
const replayBatches = { batchSize: 2_500, maxBatches: Number.POSITIVE_INFINITY };

/**
 * Contacts a segment entry scans per INSERT…SELECT in a replay. The live
 * engine scans 5,000 at a time so that no transaction keeps the API's writes
 * waiting; nobody waits on a copy, and a daily segment of half a million
 * contacts (re-entry tested for each, every day of the window) took 85
 * statements a day, each built and prepared anew: at 1M contacts on two
 * threads, 1,275 statements and 2.6 s a thread, now 150 and 2.3 s. Who
 * enters, and in which order, does not depend on the chunk.
 */
const replayEnrolChunk = 50_000;

/**
 * The live engine's parts as a backtest drives them on its copy: segment
 * entry, the runner (the pure step, the contact policy, the batch writer) and
 * the event router are the engine's own; the sleeping pass runs when it could
 * mark anyone (`sleepingPassCanMark`). What differs is the dispatcher: a
 * backtest never sends, and its providers would deliver every message at the
 * moment it is queued and never answer, so the runner's batch writer delivers
 * each as it queues it (`deliverOnEnqueue`: one write of the row instead of an
 * insert into the queue and an update out of it; at 1M contacts about 1.5
 * million messages), with the counters the dispatcher writes for a delivered
 * message (`sent`, `delivered`), without rendering a template: no body,
 * variant, language or cost is recorded (the report reads none of them). A
 * run waiting for its message's outcome is woken as the dispatcher wakes it.
 * Nothing else puts a message in the queue here (no pause, no retry, no
 * re-drive), so the outbox never holds one, and the clock never waits on it.
 */
export function createBacktestEngine(db: Db, settings: () => EngineSettings, machine: CompiledJourney) {
  const c = db.$client;
  const machines = createMachineCache(db);
  const live = createLiveIndex(db, machines);
  const runner = createRunner({ db, machines, settings, writer: { deliverOnEnqueue: true } });
  const events = createEventRouter({ db, runner, live });
  const sleeping = createSleepingPass(db);
  const nextTimer = c.prepare<[number, number], { t: number | null }>(
    `select min(t) t from (select min(wake_at) t from runs where wake_at > ? union all select min(due_at) from scheduled_events where due_at > ?)`,
  );

  const sleepingCounts = sleepingPassCanMark(machine, settings().policy.guardrails.sleeping);
  let busy = false;
  return {
    events,
    live,
    runner,
    /** whether the sleeping pass runs in this replay (it reads every event of a contact, whatever its name) */
    sleepingPass: sleepingCounts,

    /** As the engine's tick: segment entry, the runner (which delivers what it queues), the sleeping pass; the first error is thrown after. */
    tick(now: number): BacktestTick {
      if (busy) throw new Error('the backtest engine was ticked while a tick was running');
      busy = true;
      try {
        const { attempt, rethrow } = tickParts();
        const s = settings();
        const enrolled = attempt(() => runSegmentEntries(db, live.live(), now, s.timezone, replayEnrolChunk).reduce((n, e) => n + e.enrolled, 0), 0);
        const r = attempt((): TickReport => runner.tick(now, replayBatches), { stepped: 0, queued: 0, withheld: 0, exited: 0, batches: 0, backlog: false });
        if (sleepingCounts) attempt(() => sleeping.maybePass(now, s.policy.guardrails.sleeping), 0);
        rethrow();
        return { enrolled, runs: r };
      } finally {
        busy = false;
      }
    },

    /** The next run timer or scheduled event after `after` (as the engine's `nextTimerDue`; nothing waits in the outbox here). */
    nextTimerDue: (after: number): number | null => nextTimer.get(after, after)?.t ?? null,
    /** The next scheduled segment entry after `after`. */
    nextEnrolmentDue: (after: number): number | null => nextEnrolmentAt(db, live.live(), after, settings().timezone),
  };
}

export type BacktestEngine = ReturnType<typeof createBacktestEngine>;
