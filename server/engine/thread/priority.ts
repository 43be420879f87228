/**
 * The engine thread's share of the CPU when the API wants it too.
 * - `background` (the default): the engine takes only the CPU nothing else
 *   wants. On Linux the thread runs under SCHED_IDLE (`chrt --idle`,
 *   server/threadPriority.ts), so a request that arrives preempts it at once.
 *   A guard on the main thread (starvation.ts) raises it to normal for a
 *   while when other work starves it. That guard needs a thread that can be
 *   raised again (root or CAP_SYS_NICE, or RLIMIT_NICE 20), thread ids and
 *   a schedstat that counts; where one is missing the engine runs at normal, and the
 *   start-up log says why.
 * - `normal`: the engine and the API share the CPU as equals.
 *
 * With the engine at full rate on two cores, the API's thread waited about
 * 200 ms of every second to be run (its schedstat in bench:api), and that
 * wait, more than the work, made the slow answers. In seven alternating
 * pairs of bench:api's loaded minute, `background` gave p99 21–29 ms (normal:
 * 27–85 ms) and 0.6–1.5% of requests over 25 ms (1.2–6.4%); nice 19 alone,
 * without SCHED_IDLE's preemption, gave 37 ms in the one run tried. The
 * price is the engine's: its rate under load against its rate alone was
 * 0.50–0.88 (normal: 0.55–0.92), and in the last two pairs 0.50 and 0.64
 * against 0.73 and 0.79. Neither meets both of bench:api's targets on two
 * cores; the default serves people first (operators' pages, SDK calls) and
 * leaves the engine the rest: 85k–165k transitions/s under that load in the
 * full runs and pairs at the default on 2026-12-07.
 * Unguarded, SCHED_IDLE was only safe on a machine that runs nothing else:
 * the tests that tick an engine thread timed out beside three busy loops.
 * A backtest's threads, at nice 10 beside a normal engine, go to SCHED_IDLE
 * beside a background one (backtest/thread/nice.ts).
 */
export type EnginePriority = 'background' | 'normal';

const priorities: readonly EnginePriority[] = ['background', 'normal'];

/** ENGINE_PRIORITY from the environment: `background` when unset; anything else is refused, naming the variable. */
export function enginePriorityFrom(env: NodeJS.ProcessEnv): EnginePriority {
  const v = env.ENGINE_PRIORITY;
  if (v === undefined || v === '') return 'background';
  if ((priorities as readonly string[]).includes(v)) return v as EnginePriority;
  throw new Error(`ENGINE_PRIORITY must be one of ${priorities.join(', ')}, got "${v}"`);
}

/**
 * What the engine thread runs at: `background` only where a starved thread can
 * be raised again (`whyNot`, from whyIdleIsIrreversible, is null), else
 * `normal`, with the reason for the start-up log.
 */
export function effectiveEnginePriority(asked: EnginePriority, whyNot: () => string | null): { priority: EnginePriority; fallback: string | null } {
  if (asked === 'normal') return { priority: 'normal', fallback: null };
  const why = whyNot();
  return why === null ? { priority: 'background', fallback: null } : { priority: 'normal', fallback: why };
}
