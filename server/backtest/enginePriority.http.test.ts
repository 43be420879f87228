import { afterEach, describe, expect, it, vi } from 'vitest';
import { anHttpWorld } from '../testing/httpWorld';
import type { EnginePriority } from '../engine/thread/priority';
import type { BacktestJob } from './run';
import type { BacktestHandle, BacktestOutcome } from './thread/client';
import { backtestNice } from './thread/nice';
import { whyIdleIsIrreversible } from '../threadPriority';

/** The jobs the server hands to backtest threads (none is started: how low its threads go is all this looks at). */
const jobs = vi.hoisted(() => [] as BacktestJob[]);

vi.mock('./thread/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./thread/client')>()),
  startBacktestThread: (job: BacktestJob): BacktestHandle => {
    jobs.push(job);
    let end: (o: BacktestOutcome) => void = () => {};
    const outcome = new Promise<BacktestOutcome>((resolve) => (end = resolve));
    return { outcome, cancel: () => end({ status: 'cancelled' }), terminate: async () => end({ status: 'cancelled' }) };
  },
}));

afterEach(() => {
  jobs.length = 0;
});

/** The job a server at `enginePriority` hands to its backtest thread when blueprint 1 is backtested. */
async function backtestOn(enginePriority: EnginePriority | 'default'): Promise<BacktestJob | undefined> {
  const w = await anHttpWorld(Date.UTC(2026, 10, 20), { enginePriority });
  try {
    const journey = w.server.services.journeys.list().find((j) => j.blueprint === 'registered_never_logged_in');
    if (!journey) throw new Error('blueprint 1 was not seeded');
    w.server.services.backtests.start({ journeyId: journey.id }, 'tester');
    // the job launches on the next turn
    await new Promise((r) => setImmediate(r));
    return jobs[0];
  } finally {
    await w.close();
  }
}

describe("a backtest's threads beside the engine's priority", () => {
  it('by default (background), go to SCHED_IDLE with the engine; where the engine cannot be background (priority.ts), at nice 10 below it', async () => {
    expect(await backtestOn('default')).toMatchObject({ lowerTo: whyIdleIsIrreversible() === null ? 'idle' : backtestNice });
  });

  it('with ENGINE_PRIORITY=normal, at nice 10: below the engine, which ticks first', async () => {
    expect(await backtestOn('normal')).toMatchObject({ lowerTo: backtestNice });
  });
});
