import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../../testing/httpWorld';
import { effectiveEnginePriority, enginePriorityFrom, type EnginePriority } from './priority';
import { SCHED_IDLE, SCHED_OTHER, busyThreads, schedOf, thisThreadId } from '../../testing/sched';
import { serverMetrics } from '../../obs/metrics';

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
  const serve = async (opts: { enginePriority: EnginePriority | 'default' }) => (w = await anHttpWorld(Date.UTC(2026, 10, 2, 4, 0), { seedDemo: false, ...opts })).server;

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

  it('normal: the engine thread shares the CPU as an equal', async () => {
    const server = await serve({ enginePriority: 'normal' });
    const p = server.enginePriority;
    expect(p).toMatchObject({ policy: 'normal', tid: expect.any(Number) });
    expect(schedOf(p?.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 0 });
  });

  // here, as root (as CI runs), a thread can leave SCHED_IDLE again (threadPriority.test.ts), so background stands
  it('by default (ENGINE_PRIORITY unset), background', async () => {
    const was = process.env.ENGINE_PRIORITY;
    delete process.env.ENGINE_PRIORITY;
    try {
      const server = await serve({ enginePriority: 'default' });
      expect(server.enginePriority).toMatchObject({ policy: 'SCHED_IDLE' });
      expect(schedOf(server.enginePriority?.tid ?? 0).policy).toBe(SCHED_IDLE);
    } finally {
      if (was !== undefined) process.env.ENGINE_PRIORITY = was;
    }
  });

  it('background beside busy threads: the starved engine thread is raised to normal (and counted), so its ticks go on', async () => {
    const server = await serve({ enginePriority: 'background' });
    const tid = server.enginePriority?.tid ?? 0;
    const metrics = serverMetrics(server.db, null);
    const starved = async () => Number((await metrics.render()).match(/^journeys_engine_starved_total (\d+)/m)?.[1]);
    const before = await starved();
    // a busy thread per core leaves the engine nothing (and this thread some)
    const busy = busyThreads(availableParallelism());
    try {
      // ticks keep the engine thread wanting the CPU, as a busy engine would; the guard judges the last 10 s
      const end = Date.now() + 40_000;
      while (schedOf(tid).policy !== SCHED_OTHER) {
        if (Date.now() > end) throw new Error('the engine thread was not raised within 40 s');
        await server.services.engine.tick(server.clock.now());
      }
    } finally {
      await Promise.all(busy.map((b) => b.terminate()));
    }
    // counted when chrt's answer is in, a moment after the thread's policy changed
    for (const end = Date.now() + 5_000; (await starved()) === before && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
    expect(await starved()).toBe(before + 1);
    expect(schedOf(tid).nice).toBe(0);
  }, 60_000);
});
