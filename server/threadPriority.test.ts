import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHED_IDLE, SCHED_OTHER, mayRaisePriority, schedOf, thisThreadId } from './testing/sched';
import { whyIdleIsIrreversible, type Lowering, type ThreadPriority } from './threadPriority';

/** A thread of its own (with `env`) that lowers itself with `lowerThisThread(to)`, then waits to be looked at. */
function lowered(to: Lowering, env: NodeJS.ProcessEnv = process.env): { worker: Worker; priority: Promise<ThreadPriority> } {
  const src = `
    require('tsx/cjs/api').register();
    const { lowerThisThread } = require(${JSON.stringify(join(__dirname, 'threadPriority.ts'))});
    require('node:worker_threads').parentPort.postMessage(lowerThisThread(${JSON.stringify(to)}));
    setTimeout(() => {}, 60_000);`;
  const worker = new Worker(src, { eval: true, env });
  const priority = new Promise<ThreadPriority>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, priority };
}

describe('lowerThisThread', () => {
  let worker: Worker | null = null;
  afterEach(async () => {
    await worker?.terminate();
    worker = null;
  });

  it('idle: that thread under SCHED_IDLE, the others as they were', async () => {
    const before = schedOf(thisThreadId());
    const t = lowered('idle');
    worker = t.worker;
    const p = await t.priority;
    expect(p).toMatchObject({ policy: 'SCHED_IDLE', tid: expect.any(Number) });
    expect(schedOf(p.tid ?? 0).policy).toBe(SCHED_IDLE);
    expect(schedOf(thisThreadId())).toEqual(before);
  });

  it('idle where chrt cannot set SCHED_IDLE (none on the PATH): nice 19, that thread only', async () => {
    const t = lowered('idle', { ...process.env, PATH: '/nonexistent' });
    worker = t.worker;
    const p = await t.priority;
    expect(p).toMatchObject({ policy: 'nice 19', tid: expect.any(Number) });
    expect(schedOf(p.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 19 });
    expect(schedOf(thisThreadId()).nice).toBe(0);
  });

  it('a nice value: that thread at it, still SCHED_OTHER', async () => {
    const t = lowered(10);
    worker = t.worker;
    const p = await t.priority;
    expect(p).toMatchObject({ policy: 'nice 10', tid: expect.any(Number) });
    expect(schedOf(p.tid ?? 0)).toEqual({ policy: SCHED_OTHER, nice: 10 });
  });
});

/** whyIdleIsIrreversible() in a child process started under `prefix` (setpriv, say) with `env`. */
function whyInChild(prefix: string[], env: NodeJS.ProcessEnv = process.env): string | null {
  const src = `require('tsx/cjs/api').register(); console.log(JSON.stringify(require(${JSON.stringify(join(__dirname, 'threadPriority.ts'))}).whyIdleIsIrreversible()))`;
  const [cmd, ...args] = [...prefix, process.execPath, '-e', src];
  return JSON.parse(execFileSync(cmd ?? '', args, { env, encoding: 'utf8' })) as string | null;
}

describe('whyIdleIsIrreversible', () => {
  it('null where the kernel lets this process raise a thread again (CAP_SYS_NICE or RLIMIT_NICE 20, read from /proc), the reason where not', () => {
    const why = whyIdleIsIrreversible();
    expect(why === null).toBe(mayRaisePriority());
    if (why !== null) expect(why).toMatch(/CAP_SYS_NICE/);
  });

  it('the reason, for a process without CAP_SYS_NICE and with RLIMIT_NICE 0', () => {
    // root drops the capability from its bounding set (setpriv needs CAP_SETPCAP); any other user has none to drop
    const withoutSysNice = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-sys_nice', '--inh-caps=-all'] : [];
    expect(whyInChild([...withoutSysNice, 'prlimit', '--nice=0:0', '--'])).toMatch(/cannot leave SCHED_IDLE here \(that needs CAP_SYS_NICE, or an RLIMIT_NICE of 20/);
  });

  it('the reason, where schedstat is there but does not count (the guard would never see a starved thread)', () => {
    expect(whyIdleIsIrreversible(() => ({ ranNs: 1_000, waitedNs: 0 }))).toMatch(/schedstat does not count a thread’s CPU time/);
    expect(whyIdleIsIrreversible(() => null)).toMatch(/keeps no schedstat/);
  });

  it('the reason, where there is no chrt', () => {
    expect(whyInChild([], { ...process.env, PATH: '/nonexistent' })).toMatch(/cannot leave SCHED_IDLE here.*or there is no chrt/);
  });
});
