import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../../testing/httpWorld';
import { effectiveEnginePriority, enginePriorityFrom, type EnginePriority } from './priority';
import { SCHED_IDLE, SCHED_OTHER, busyThreads, schedOf, thisThreadId } from '../../testing/sched';
import { serverMetrics } from '../../obs/metrics';
import { whyIdleIsIrreversible } from '../../threadPriority';
import type { RunningServer } from '../../app';

describe('ENGINE_PRIORITY', () => {
  it('is background when unset, as given when background or normal', () => {
    expect(enginePriorityFrom({})).toBe('background');
    expect(enginePriorityFrom({ ENGINE_PRIORITY: '' })).toBe('background');
    expect(enginePriorityFrom({ ENGINE_PRIORITY: 'normal' })).toBe('normal');
    expect(enginePriorityFrom({ ENGINE_PRIORITY: 'background' })).toBe('background');
  });

  it('refuses anything else, naming the variable and the values it takes', () => {
    expect(() => enginePriorityFrom({ ENGINE_PRIORITY: 'low' })).toThrow('ENGINE_PRIORITY must be one of background, normal, got "low"');
  });
});

describe('effectiveEnginePriority', () => {
  it('background only where a starved thread can be raised again; normal otherwise, with the reason', () => {
    expect(effectiveEnginePriority('background', () => null)).toEqual({ priority: 'background', fallback: null });
    expect(effectiveEnginePriority('background', () => 'no chrt')).toEqual({ priority: 'normal', fallback: 'no chrt' });
    expect(effectiveEnginePriority('normal', () => null)).toEqual({ priority: 'normal', fallback: null });
  });
});

describe("the engine thread's CPU priority", () => {
  let w: HttpWorld | null = null;
  afterEach(async () => {
    await w?.close();
    w = null;
  });
  let startUp: string[] = [];
  const serve = async (opts: { enginePriority: EnginePriority | 'default' }) => {
    startUp = [];
    w = await anHttpWorld(Date.UTC(2026, 10, 2, 4, 0), { seedDemo: false, log: (m) => void startUp.push(m), ...opts });
    return w.server;
  };
  // Background stands where a thread lowered to SCHED_IDLE can be raised again: as root with CAP_SYS_NICE, as CI runs.
  // Elsewhere (Docker's default capabilities, a user without RLIMIT_NICE 20) the engine runs at normal and the
  // start-up line says why (effectiveEnginePriority). These tests hold the server to whichever this machine calls for.
  const cannotLeaveIdle = whyIdleIsIrreversible();
  /** The engine thread of a server asked for background: under SCHED_IDLE, or at normal with the reason said. */
  const expectBackground = (server: RunningServer) => {
    const tid = server.enginePriority?.tid ?? 0;
    if (cannotLeaveIdle === null) {
      expect(server.enginePriority).toMatchObject({ policy: 'SCHED_IDLE', tid: expect.any(Number) });
      expect(schedOf(tid).policy).toBe(SCHED_IDLE);
    } else {
      expect(server.enginePriority).toMatchObject({ policy: 'normal', tid: expect.any(Number) });
      expect(schedOf(tid)).toEqual({ policy: SCHED_OTHER, nice: 0 });
      expect(startUp).toContainEqual(expect.stringContaining(`at normal CPU priority (not background: ${cannotLeaveIdle})`));
    }
  };

  it('background: the engine thread runs under SCHED_IDLE, so a request preempts it (at normal where it could not leave it); the API thread stays as it was', async () => {
    const before = schedOf(thisThreadId());
    const server = await serve({ enginePriority: 'background' });
    expectBackground(server);
    expect(schedOf(thisThreadId())).toEqual(before);
    // and it still ticks
    expect(await server.services.engine.tick(server.clock.now())).toMatchObject({ runs: expect.anything() });
  });

  it('normal: the engine thread shares the CPU as an equal', async () => {
    const server = await serve({ enginePriority: 'normal' });
    const p = server.enginePriority;
    expect(p).toMatchObject({ policy: 'normal', tid: expect.any(Number) });
    expect(schedOf(p?.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 0 });
  });

  it('by default (ENGINE_PRIORITY unset), background', async () => {
    const was = process.env.ENGINE_PRIORITY;
    delete process.env.ENGINE_PRIORITY;
    try {
      expectBackground(await serve({ enginePriority: 'default' }));
    } finally {
      if (was !== undefined) process.env.ENGINE_PRIORITY = was;
    }
  });

  it('background beside busy threads: the starved engine thread is raised to normal (and counted), so its ticks go on; where it runs at normal from the start, they go on unguarded', async () => {
    const server = await serve({ enginePriority: 'background' });
    expectBackground(server);
    const tid = server.enginePriority?.tid ?? 0;
    const metrics = serverMetrics(server.db, null);
    const starved = async () => Number((await metrics.render()).match(/^journeys_engine_starved_total (\d+)/m)?.[1]);
    const before = await starved();
    // a busy thread per core leaves the engine nothing (and this thread some)
    const busy = busyThreads(availableParallelism());
    try {
      // ticks keep the engine thread wanting the CPU, as a busy engine would; the guard judges the last 10 s
      const end = Date.now() + 40_000;
      for (let ticks = 0; cannotLeaveIdle === null ? schedOf(tid).policy !== SCHED_OTHER : ticks < 20; ticks++) {
        if (Date.now() > end) throw new Error(cannotLeaveIdle === null ? 'the engine thread was not raised within 40 s' : `only ${ticks} of 20 ticks within 40 s`);
        await server.services.engine.tick(server.clock.now());
      }
    } finally {
      await Promise.all(busy.map((b) => b.terminate()));
    }
    // counted when chrt's answer is in, a moment after the thread's policy changed
    for (const end = Date.now() + 5_000; (await starved()) === before && Date.now() < end && cannotLeaveIdle === null;) await new Promise((r) => setTimeout(r, 20));
    expect(await starved()).toBe(cannotLeaveIdle === null ? before + 1 : before);
    expect(schedOf(tid)).toEqual({ policy: SCHED_OTHER, nice: 0 });
  }, 60_000);
});
