import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * How far a background thread (the engine's in `ENGINE_PRIORITY=background`,
 * a backtest's) lowers itself: `idle`, below every ordinary thread (Linux's
 * SCHED_IDLE: whatever else wants the CPU preempts it at once), or a nice
 * value (a smaller share when both want the CPU, preempted at the scheduler's
 * pace).
 */
export type Lowering = 'idle' | number;

/** What a thread runs under: its id (Linux) and its policy, for logs and tests. */
export interface ThreadPriority {
  tid: number | null;
  policy: 'SCHED_IDLE' | `nice ${number}` | 'normal';
}

/** This thread's id (Linux: /proc/thread-self is /proc/<pid>/task/<tid>), or null elsewhere. */
function threadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

/** The calling thread as it is (not lowered). */
export const thisThread = (): ThreadPriority => ({ tid: threadId(), policy: 'normal' });

/** This thread to nice `n`: Linux's setpriority with pid 0 names the calling thread only. */
function nice(tid: number, n: number): ThreadPriority {
  try {
    setPriority(0, n);
    return { tid, policy: `nice ${n}` };
  } catch {
    // not permitted here: as it was
    return { tid, policy: 'normal' };
  }
}

/**
 * Lower the calling thread only, never the process (a Linux thread id names
 * one thread to sched_setscheduler and setpriority). `idle` where `chrt` can
 * set SCHED_IDLE, else nice 19. Never throws: a platform that allows neither
 * leaves the thread as it was, and the answer says so; so does one without
 * thread ids, where both calls would name the whole process, the API with it.
 * Lowering needs no privilege, and without one it cannot be undone.
 * `niceIfNotIdle: false` leaves the thread as it was where SCHED_IDLE cannot
 * be set: the engine's, which the starvation guard can raise from SCHED_IDLE
 * but not from nice 19 (chrt --other keeps the nice value).
 */
export function lowerThisThread(to: Lowering, { niceIfNotIdle = true }: { niceIfNotIdle?: boolean } = {}): ThreadPriority {
  const tid = threadId();
  if (tid === null) return { tid, policy: 'normal' };
  if (to !== 'idle') return nice(tid, to);
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore' });
    return { tid, policy: 'SCHED_IDLE' };
  } catch {
    return niceIfNotIdle ? nice(tid, 19) : { tid, policy: 'normal' };
  }
}

/**
 * Why a thread lowered to SCHED_IDLE could not be raised again here, or null
 * when it could. Raising needs CAP_SYS_NICE (root has it, unless a container
 * drops it, as Docker does by default) or an RLIMIT_NICE of 20; lowering
 * needs nothing. The proof is a child of this process, with its limits and
 * capabilities: lowered by chrt, it tries to return (SCHED_IDLE is
 * inherited, and nothing else moves). Also needs thread ids and their
 * schedstat, which tell a starved thread: it must be there and count, so this
 * thread's CPU time must have moved across the probe (starting the child costs
 * it a few ms); a schedstat that stood still would read as never starved.
 * `stat` reads it (tests give their own).
 */
export function whyIdleIsIrreversible(stat: (tid: number) => SchedStat | null = schedStatOf): string | null {
  const tid = threadId();
  if (tid === null) return 'this platform has no thread ids';
  const before = stat(tid);
  if (before === null) return 'the kernel keeps no schedstat (/proc/<pid>/task/<tid>/schedstat)';
  let returned = true;
  try {
    execFileSync('chrt', ['--idle', '0', 'chrt', '--other', '0', 'true'], { stdio: 'ignore' });
  } catch {
    returned = false;
  }
  const after = stat(tid);
  if (after === null || after.ranNs <= before.ranNs) return 'the kernel’s schedstat does not count a thread’s CPU time here (/proc/<pid>/task/<tid>/schedstat)';
  return returned ? null : 'a thread cannot leave SCHED_IDLE here (that needs CAP_SYS_NICE, or an RLIMIT_NICE of 20), or there is no chrt';
}

/** A thread's CPU time so far and its time spent runnable but waiting for a CPU (ns), from /proc; null once it is gone. */
export interface SchedStat {
  ranNs: number;
  waitedNs: number;
}
export function schedStatOf(tid: number): SchedStat | null {
  try {
    const [ran, waited] = readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
    // a line not as documented is no figure at all (NaN would read as never starved)
    return ran !== undefined && waited !== undefined && Number.isFinite(ran) && Number.isFinite(waited) ? { ranNs: ran, waitedNs: waited } : null;
  } catch {
    return null;
  }
}

/**
 * Another thread of this process (by id) to SCHED_IDLE or back to SCHED_OTHER
 * (its nice value as it was), without blocking this one: whether it worked.
 */
export function setThreadPolicy(tid: number, policy: 'idle' | 'other'): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('chrt', [`--${policy}`, '--pid', '0', String(tid)], (e) => resolve(e === null));
  });
}
