import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../app';
import { FakeClock } from '../../clock';
import { testAdmin, testPasswordCost } from '../../testing/signIn';
import { enginePriorityFrom } from './priority';
import { SCHED_IDLE, SCHED_OTHER, schedOf, thisThreadId } from '../../testing/sched';

describe('ENGINE_PRIORITY', () => {
  it('is normal when unset, as given when background or normal', () => {
    expect(enginePriorityFrom({})).toBe('normal');
    expect(enginePriorityFrom({ ENGINE_PRIORITY: '' })).toBe('normal');
    expect(enginePriorityFrom({ ENGINE_PRIORITY: 'normal' })).toBe('normal');
    expect(enginePriorityFrom({ ENGINE_PRIORITY: 'background' })).toBe('background');
  });

  it('refuses anything else, naming the variable and the values it takes', () => {
    expect(() => enginePriorityFrom({ ENGINE_PRIORITY: 'low' })).toThrow('ENGINE_PRIORITY must be one of background, normal, got "low"');
  });
});

describe("the engine thread's CPU priority", () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  const serve = async (opts: { enginePriority?: 'background' | 'normal' }) => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-priority-'));
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      databasePath: join(dir, 'p.db'),
      clock: new FakeClock(Date.UTC(2026, 10, 2, 4, 0)),
      seedDemo: false,
      log: () => {},
      admin: testAdmin,
      services: { accounts: { passwordCost: testPasswordCost } },
      ...opts,
    });
    close = async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return server;
  };

  it('background: the engine thread runs under SCHED_IDLE, so a request preempts it; the API thread stays as it was', async () => {
    const before = schedOf(thisThreadId());
    const server = await serve({ enginePriority: 'background' });
    const p = server.enginePriority;
    expect(p).toMatchObject({ policy: 'SCHED_IDLE', tid: expect.any(Number) });
    expect(schedOf(p?.tid ?? 0).policy).toBe(SCHED_IDLE);
    expect(schedOf(thisThreadId())).toEqual(before);
    // and it still ticks
    expect(await server.services.engine.tick(server.clock.now())).toMatchObject({ runs: expect.anything() });
  });

  it('by default (normal), the engine thread shares the CPU as an equal', async () => {
    const server = await serve({});
    const p = server.enginePriority;
    expect(p).toMatchObject({ policy: 'normal', tid: expect.any(Number) });
    expect(schedOf(p?.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 0 });
  });
});
