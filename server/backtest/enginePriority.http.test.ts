import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startServer } from '../app';
import { FakeClock } from '../clock';
import { testAdmin, testPasswordCost } from '../testing/signIn';
import type { EnginePriority } from '../engine/thread/priority';
import type { BacktestJob } from './run';
import type { BacktestHandle, BacktestOutcome } from './thread/client';
import { backtestNice } from './thread/nice';

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

let dir = '';
afterEach(() => {
  jobs.length = 0;
  rmSync(dir, { recursive: true, force: true });
});

async function backtestOn(enginePriority: EnginePriority | undefined): Promise<BacktestJob | undefined> {
  dir = mkdtempSync(join(tmpdir(), 'journeys-bt-priority-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databasePath: join(dir, 'p.db'),
    clock: new FakeClock(Date.UTC(2026, 10, 20)),
    log: () => {},
    admin: testAdmin,
    approvals: false,
    services: { accounts: { passwordCost: testPasswordCost } },
    ...(enginePriority ? { enginePriority } : {}),
  });
  try {
    const journey = server.services.journeys.list().find((j) => j.blueprint === 'registered_never_logged_in');
    if (!journey) throw new Error('blueprint 1 was not seeded');
    server.services.backtests.start({ journeyId: journey.id }, 'tester');
    // the job launches on the next turn
    await new Promise((r) => setImmediate(r));
    return jobs[0];
  } finally {
    await server.close();
  }
}

describe("a backtest's threads beside the engine's priority", () => {
  it('with ENGINE_PRIORITY=background, go to SCHED_IDLE with the engine', async () => {
    expect(await backtestOn('background')).toMatchObject({ lowerTo: 'idle' });
  });

  it('by default (normal), at nice 10: below the engine, which ticks first', async () => {
    expect(await backtestOn(undefined)).toMatchObject({ lowerTo: backtestNice });
  });
});
