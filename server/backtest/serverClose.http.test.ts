import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startServer } from '../app';
import { FakeClock } from '../clock';
import { testAdmin, testPasswordCost } from '../testing/signIn';
import type { BacktestHandle } from './thread/client';

/** Every backtest thread the server starts, and whether its outcome (the thread's end) had settled. */
const threads = vi.hoisted(() => [] as { handle: { terminate: () => Promise<void> }; settled: boolean; terminated: boolean }[]);

vi.mock('./thread/client', async (importOriginal) => {
  const real = await importOriginal<typeof import('./thread/client')>();
  return {
    ...real,
    startBacktestThread: (...args: Parameters<typeof real.startBacktestThread>): BacktestHandle => {
      const handle = real.startBacktestThread(...args);
      const seen = { handle, settled: false, terminated: false };
      threads.push(seen);
      void handle.outcome.then(() => (seen.settled = true));
      return {
        ...handle,
        terminate: async () => {
          seen.terminated = true;
          await handle.terminate();
        },
      };
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'journeys-close-'));
afterEach(() => {
  threads.length = 0;
  rmSync(dir, { recursive: true, force: true });
});

describe('closing the server while a backtest runs', () => {
  it('terminates the backtest’s worker thread and records it cancelled before the database closes', async () => {
    const databasePath = join(dir, 'close.db');
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      databasePath,
      clock: new FakeClock(Date.UTC(2026, 10, 20)),
      log: () => {},
      admin: testAdmin,
      approvals: false,
      services: { accounts: { passwordCost: testPasswordCost } },
    });
    const journey = server.services.journeys.list().find((j) => j.blueprint === 'registered_never_logged_in');
    if (!journey) throw new Error('blueprint 1 was not seeded');
    const b = server.services.backtests.start({ journeyId: journey.id }, 'tester');
    // the job launches on the next turn; close at once, while its thread is starting up
    await new Promise((r) => setImmediate(r));
    expect(threads).toHaveLength(1);
    await server.close();
    // no thread left behind: it was terminated and had ended by the time close resolved
    expect(threads.map((t) => ({ settled: t.settled, terminated: t.terminated }))).toEqual([{ settled: true, terminated: true }]);
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.prepare('select status from backtests where id = ?').get(b.id)).toEqual({ status: 'cancelled' });
    } finally {
      db.close();
    }
  });

  it('refuses a backtest asked for while the server stops, and a start not yet launched ends cancelled', async () => {
    const databasePath = join(dir, 'close2.db');
    const server = await startServer({ port: 0, host: '127.0.0.1', databasePath, clock: new FakeClock(Date.UTC(2026, 10, 20)), log: () => {}, admin: testAdmin, approvals: false });
    const journey = server.services.journeys.list().find((j) => j.blueprint === 'registered_never_logged_in');
    if (!journey) throw new Error('blueprint 1 was not seeded');
    const b = server.services.backtests.start({ journeyId: journey.id }, 'tester');
    const closed = server.close();
    expect(() => server.services.backtests.start({ journeyId: journey.id }, 'tester')).toThrow('the server is stopping');
    await closed;
    expect(threads).toEqual([]);
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.prepare('select status from backtests where id = ?').get(b.id)).toEqual({ status: 'cancelled' });
    } finally {
      db.close();
    }
  });
});
