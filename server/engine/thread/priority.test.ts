import { afterEach, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../../testing/httpWorld';
import { enginePriorityFrom, type EnginePriority } from './priority';
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
  let w: HttpWorld | null = null;
  afterEach(async () => {
    await w?.close();
    w = null;
  });
  const serve = async (opts: { enginePriority?: EnginePriority }) => (w = await anHttpWorld(Date.UTC(2026, 10, 2, 4, 0), { seedDemo: false, ...opts })).server;

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
