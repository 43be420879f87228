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
