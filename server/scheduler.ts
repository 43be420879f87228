import cron from 'node-cron';
import type { Clock } from './clock';
import type { Engine, EngineTick } from './engine';

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Ticks the engine on a cron schedule (every second by default). node-cron's
 * `noOverlap` skips a tick while the previous one runs, and the engine's own
 * guard holds too. Each tick drains a bounded number of batches, so a backlog
 * spreads over ticks and requests are served in between.
 */
export function startScheduler(engine: Engine, clock: Clock, opts: { expression?: string; onTick?: (t: EngineTick) => void; onError?: (e: unknown) => void } = {}): Scheduler {
  let running: Promise<unknown> = Promise.resolve();
  const task = cron.schedule(
    opts.expression ?? '* * * * * *',
    async () => {
      const p = engine.tick(clock.now()).then(
        (t) => t && opts.onTick?.(t),
        (e: unknown) => (opts.onError ?? ((x: unknown) => console.error('engine tick failed:', x)))(e),
      );
      running = p;
      await p;
    },
    { name: 'engine-tick', noOverlap: true },
  );
  return {
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
