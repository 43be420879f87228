import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../app';
import { FakeClock } from '../../clock';
import { testAdmin, testPasswordCost } from '../../testing/signIn';
import { enginePriorityFrom, type ThreadPriority } from './priority';

/** A thread's scheduling policy (0 SCHED_OTHER, 5 SCHED_IDLE) and nice, from /proc/<pid>/task/<tid>/stat (fields 41 and 19). */
function schedOf(tid: number): { policy: number; nice: number } {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  // the fields after "pid (comm)": the 3rd is at 0
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { policy: Number(f[41 - 3]), nice: Number(f[19 - 3]) };
}
const thisThread = () => Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]);
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

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
    const before = schedOf(thisThread());
    const server = await serve({ enginePriority: 'background' });
    const p = server.enginePriority;
    expect(p).toMatchObject({ policy: 'SCHED_IDLE', tid: expect.any(Number) });
    expect(schedOf(p?.tid ?? 0).policy).toBe(SCHED_IDLE);
    expect(schedOf(thisThread())).toEqual(before);
    // and it still ticks
    expect(await server.services.engine.tick(server.clock.now())).toMatchObject({ runs: expect.anything() });
  });

  it('by default (normal), the engine thread shares the CPU as an equal', async () => {
    const server = await serve({});
    const p = server.enginePriority;
    expect(p).toMatchObject({ policy: 'normal', tid: expect.any(Number) });
    expect(schedOf(p?.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 0 });
  });

  it('where chrt cannot set SCHED_IDLE, at nice 19 instead: still that thread only', async () => {
    // a thread of its own with no chrt on its PATH, lowering itself as the engine thread does
    const src = `
      require('tsx/cjs/api').register();
      const { lowerThisThread } = require(${JSON.stringify(join(__dirname, 'priority.ts'))});
      require('node:worker_threads').parentPort.postMessage(lowerThisThread('background'));
      setTimeout(() => {}, 60_000);`;
    const worker = new Worker(src, { eval: true, env: { ...process.env, PATH: '/nonexistent' } });
    close = async () => {
      await worker.terminate();
    };
    const p = await new Promise<ThreadPriority>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(p).toMatchObject({ policy: 'nice 19', tid: expect.any(Number) });
    expect(schedOf(p.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 19 });
    expect(schedOf(thisThread()).nice).toBe(0);
  });
});
