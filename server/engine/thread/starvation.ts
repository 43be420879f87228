import type { Logger } from '../../obs/log';
import { engineStarved, engineThreadRaised } from '../../obs/metrics';
import { schedStatOf, setThreadPolicy, type SchedStat } from '../../threadPriority';

/**
 * The guard that makes `background` safe to be the default (priority.ts). A
 * thread under SCHED_IDLE runs only on CPU that nothing else wants, so a
 * machine kept busy by something else (a test suite, another service, more
 * requests than one core serves) would hold the engine back, ticks and sends
 * with it, for as long as that lasted. Each second the main thread reads the
 * engine thread's schedstat: when over the last 10 s it waited to be run for
 * at least half of that time and got under a fifth of the CPU it asked for,
 * it is starved, and goes back to SCHED_OTHER (an equal of the API) for a
 * cool-off; then down again. Ten seconds, not half of one: held back for a
 * moment is what background means (requests first), and a guard that judged
 * half a second raised the engine as bench:api's load began, so the engine
 * spent that minute's first 30 s as the API's equal. Starved again within
 * the cool-off just served, the next one is twice as long (up to
 * `maxCoolOffMs`): a machine that stays busy settles at normal, with a 10 s
 * stall and a log line after each cool-off of up to 10 min, rather than one
 * every 40 s. The main thread reads and raises because the starved thread
 * cannot: it is not being run.
 */
export interface GuardState {
  mode: 'lowered' | 'raised';
  /** raised: when it goes back down */
  until: number;
  /** the last cool-off given */
  coolOffMs: number;
  /** when it last went back down */
  loweredAt: number;
}

/** What one window of the thread's schedstat says: ms it ran and ms it waited to run, over `ms`. */
export interface SchedWindow {
  ranMs: number;
  waitedMs: number;
  ms: number;
}

export interface GuardOptions {
  coolOffMs: number;
  maxCoolOffMs: number;
}

export type GuardAction = { do: 'raise'; forMs: number } | { do: 'lower' } | null;

export const initialGuard = (o: GuardOptions): GuardState => ({ mode: 'lowered', until: 0, coolOffMs: o.coolOffMs, loweredAt: Number.NEGATIVE_INFINITY });

/** Starved: waited to be run for half the window or more, and ran for under a fifth of the time it wanted the CPU. */
export const starvedIn = (w: SchedWindow): boolean => w.waitedMs >= w.ms / 2 && w.ranMs * 5 < w.ranMs + w.waitedMs;

/** The guard's next state after a window ending at `now`, and what to do to the thread. */
export function guardStep(s: GuardState, w: SchedWindow, now: number, o: GuardOptions): { state: GuardState; action: GuardAction } {
  if (s.mode === 'raised') return now < s.until ? { state: s, action: null } : { state: { ...s, mode: 'lowered', loweredAt: now }, action: { do: 'lower' } };
  if (!starvedIn(w)) return { state: s, action: null };
  const again = now - s.loweredAt < s.coolOffMs;
  const coolOffMs = again ? Math.min(s.coolOffMs * 2, o.maxCoolOffMs) : o.coolOffMs;
  return { state: { ...s, mode: 'raised', until: now + coolOffMs, coolOffMs }, action: { do: 'raise', forMs: coolOffMs } };
}

export interface StarvationGuard {
  /** whether the thread is lowered (SCHED_IDLE) or raised (SCHED_OTHER, after it was starved) */
  mode: () => GuardState['mode'];
  stop: () => void;
}

/** Watch thread `tid` (lowered to SCHED_IDLE) from this thread, every `everyMs` over the last `windowMs`, and raise it while it is starved. */
export function guardAgainstStarvation(
  tid: number,
  opts: {
    logger: Logger;
    everyMs?: number;
    windowMs?: number;
    coolOffMs?: number;
    maxCoolOffMs?: number;
    /** injected by tests: the thread's schedstat, setting its policy, the time (ms) */
    sample?: (tid: number) => SchedStat | null;
    setPolicy?: (tid: number, policy: 'idle' | 'other') => Promise<boolean>;
    now?: () => number;
  },
): StarvationGuard {
  const o: GuardOptions = { coolOffMs: opts.coolOffMs ?? 30_000, maxCoolOffMs: opts.maxCoolOffMs ?? 600_000 };
  const windowMs = opts.windowMs ?? 10_000;
  const sample = opts.sample ?? schedStatOf;
  const setPolicy = opts.setPolicy ?? setThreadPolicy;
  const now = opts.now ?? (() => performance.now());
  let state = initialGuard(o);
  // the samples of the last window, oldest first; after a change of policy, from then on only
  const first = sample(tid);
  let samples: { at: number; stat: SchedStat }[] = first ? [{ at: now(), stat: first }] : [];
  // a chrt call in flight: no other decision until it is answered
  let busy = false;
  // a change of policy failed (logged once), and is tried again at each check until it works
  let failing = false;
  let stopped = false;
  const timer = setInterval(check, opts.everyMs ?? 1000);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    engineThreadRaised.set(0);
  };
  if (!first) stop();

  function check(): void {
    if (busy || stopped) return;
    const cur = sample(tid);
    if (cur === null) return stop(); // the thread has ended
    const at = now();
    samples.push({ at, stat: cur });
    while (samples.length > 2 && at - (samples[1]?.at ?? at) >= windowMs) samples.shift();
    const oldest = samples[0];
    // a full window first (a raised thread's cool-off is timed all the same)
    if (!oldest || (state.mode === 'lowered' && at - oldest.at < windowMs)) return;
    const w: SchedWindow = { ranMs: (cur.ranNs - oldest.stat.ranNs) / 1e6, waitedMs: (cur.waitedNs - oldest.stat.waitedNs) / 1e6, ms: at - oldest.at };
    const next = guardStep(state, w, at, o);
    if (!next.action) return;
    const action = next.action;
    busy = true;
    void setPolicy(tid, action.do === 'raise' ? 'other' : 'idle').then((ok) => {
      busy = false;
      if (stopped) return;
      if (!ok) {
        // the start-up proof said it could (whyIdleIsIrreversible): a passing failure (no process to spare on a loaded
        // machine) or a changed permission; said once, tried again at the next check
        if (!failing) opts.logger.error({ tid, action: action.do }, 'The engine thread’s CPU priority could not be changed (chrt failed); trying again each second');
        failing = true;
        return;
      }
      if (failing) opts.logger.info({ tid, action: action.do }, 'The engine thread’s CPU priority could be changed again');
      failing = false;
      state = next.state;
      samples = [{ at, stat: cur }];
      engineThreadRaised.set(state.mode === 'raised' ? 1 : 0);
      if (action.do === 'raise') {
        engineStarved.inc();
        opts.logger.warn(
          { ranMs: Math.round(w.ranMs), waitedMs: Math.round(w.waitedMs), windowMs: Math.round(w.ms), forSeconds: action.forMs / 1000 },
          'The engine thread was starved in the background (the machine is busy with other work): it runs at normal priority for a while',
        );
      } else opts.logger.info('The engine thread is back in the background (SCHED_IDLE)');
    });
  }
  return { mode: () => state.mode, stop };
}
