import cron from 'node-cron';
import type { Clock } from './clock';
import type { Engine, EngineTick } from './engine';
import { log as processLog, type Logger } from './obs/log';
import { recordTick, tickOverruns } from './obs/metrics';

export interface Scheduler {
  stop: () => Promise<void>;
  /** wall-clock ms since the last tick finished (since the start before the first): what /readyz and /metrics report */
  lagMs: () => number;
}

export interface SchedulerOptions {
  expression?: string;
  onTick?: (t: EngineTick) => void;
  onError?: (e: unknown) => void;
  logger?: Logger;
  /** wall-clock time (the lag is real time even on a fake engine clock); tests pass their own */
  wallNow?: () => number;
}

/** While a tick keeps failing, the same error is logged again at most this often. */
const repeatErrorMs = 60_000;

/**
 * Ticks the engine on a cron schedule (every second by default). node-cron's
 * `noOverlap` skips a tick while the previous one runs, and the engine's own
 * guard holds too. Each tick drains a bounded number of batches, so a backlog
 * spreads over ticks and requests are served in between.
 *
 * The log says what changed, not what goes on: a tick that overruns is one
 * warning per episode (node-cron's own warning, every second, is silenced) and
 * one line when ticks catch up; a failing tick is logged when the error
 * changes, again each minute while it lasts, and once when ticks succeed again.
 */
export function startScheduler(engine: Pick<Engine, 'tick'>, clock: Clock, opts: SchedulerOptions = {}): Scheduler {
  const logger = (opts.logger ?? processLog).child({ component: 'scheduler' });
  const wallNow = opts.wallNow ?? Date.now;
  let lastFinished = wallNow();
  let tickStarted = 0;
  let inFlight = false;
  /** the overrun episode in progress: ticks skipped since it began */
  let overrun: { skipped: number } | null = null;
  let failing: { message: string; loggedAt: number; count: number } | null = null;
  let running: Promise<unknown> = Promise.resolve();

  const failed = (e: unknown) => {
    if (opts.onError) return opts.onError(e);
    const message = e instanceof Error ? e.message : String(e);
    const now = wallNow();
    if (failing && failing.message === message && now - failing.loggedAt < repeatErrorMs) {
      failing.count++;
      return;
    }
    logger.error({ err: e, repeated: failing?.message === message ? failing.count : 0 }, `engine tick failed: ${message}`);
    failing = { message, loggedAt: now, count: 1 };
  };
  const skipped = (why: 'overlap' | 'missed') => {
    if (overrun) {
      overrun.skipped++;
      return;
    }
    overrun = { skipped: 1 };
    tickOverruns.inc();
    logger.warn({ runningMs: wallNow() - tickStarted, why }, `engine tick overran: still running after ${wallNow() - tickStarted} ms, later ticks are skipped until it ends`);
  };

  const task = cron.schedule(
    opts.expression ?? '* * * * * *',
    async () => {
      tickStarted = wallNow();
      inFlight = true;
      const p = engine.tick(clock.now()).then((t) => {
        if (failing) logger.info({ failedTicks: failing.count }, 'engine ticks succeed again');
        failing = null;
        if (t) {
          recordTick(t, (wallNow() - tickStarted) / 1000);
          opts.onTick?.(t);
        }
      }, failed);
      running = p;
      await p;
      inFlight = false;
      lastFinished = wallNow();
      if (overrun) logger.info({ tookMs: lastFinished - tickStarted, skippedTicks: overrun.skipped }, `engine tick caught up after ${lastFinished - tickStarted} ms (${overrun.skipped} skipped)`);
      overrun = null;
    },
    {
      name: 'engine-tick',
      noOverlap: true,
      // node-cron warns on every skipped second; the episode above says it once
      logger: { info: () => {}, debug: () => {}, warn: (m: string) => logger.debug(m), error: (m: string | Error, e?: unknown) => logger.error({ err: m instanceof Error ? m : e }, String(m)) },
    },
  );
  task.on('execution:overlap', () => skipped('overlap'));
  // a listener also stops node-cron's "missed execution" warning: the event loop was blocked past a whole slot,
  // by the tick itself (part of its overrun) or by something else (counted where it is seen: event-loop delay in /metrics)
  task.on('execution:missed', () => (inFlight ? skipped('missed') : logger.debug('a tick slot was missed: the event loop was blocked')));
  return {
    async stop() {
      await task.destroy();
      await running;
    },
    lagMs: () => Math.max(0, wallNow() - lastFinished),
  };
}
