import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { thisThread } from '../threadPriority';

/** Linux scheduling policies as /proc shows them. */
export const SCHED_OTHER = 0;
export const SCHED_IDLE = 5;

/** A thread of this process: its scheduling policy and nice value, from /proc/<pid>/task/<tid>/stat (fields 41 and 19). */
export function schedOf(tid: number): { policy: number; nice: number } {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  // the fields after "pid (comm)", whose name may hold spaces: the 3rd is at 0
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { policy: Number(f[41 - 3]), nice: Number(f[19 - 3]) };
}

/** The calling thread's id (Linux, where these tests run). */
export const thisThreadId = (): number => thisThread().tid ?? 0;

/** `n` threads of this process that spin at normal priority until terminated: other work that wants every core. */
export const busyThreads = (n: number): Worker[] => Array.from({ length: n }, () => new Worker('for (;;) {}', { eval: true }));

/**
 * Whether the kernel lets this process raise a thread's priority, as from
 * SCHED_IDLE back to SCHED_OTHER at nice 0: CAP_SYS_NICE in its effective set
 * (root, unless a container drops it as Docker does by default), or an
 * RLIMIT_NICE of 20 (the kernel's can_nice). Read from /proc, apart from
 * whyIdleIsIrreversible, which finds out by trying: the tests of the
 * background priority hold the product to what it must do on this machine.
 */
export function mayRaisePriority(): boolean {
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const CAP_SYS_NICE = 23n;
  if (capEff !== undefined && (BigInt(`0x${capEff}`) >> CAP_SYS_NICE) & 1n) return true;
  const soft = /^Max nice priority\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  return soft === 'unlimited' || Number(soft) >= 20;
}
