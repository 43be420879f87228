/**
 * The engine thread's share of the CPU when the API wants it too.
 * - `normal` (the default): the engine and the API share the CPU as equals.
 * - `background`: the engine takes only the CPU nothing else wants. On Linux
 *   the thread runs under SCHED_IDLE (`chrt --idle`, server/threadPriority.ts),
 *   so a request that arrives preempts it at once; where chrt cannot set
 *   that, at nice 19.
 *
 * With the engine at full rate on two cores, the API's thread waited about
 * 200 ms of every second to be run (its schedstat in bench:api), and that
 * wait, more than the work, made the slow answers. In five alternating pairs
 * of bench:api's loaded minute, `background` gave p99 21–29 ms (normal:
 * 28–85 ms) and 0.6–1.5% of requests over 25 ms (1.4–6.4%); nice 19 alone,
 * without SCHED_IDLE's preemption, gave 37 ms in the one run tried. The
 * engine's rate under load was within the runs' spread either way.
 * It is not the default because it is only safe on a machine of at least two
 * cores that runs nothing else: the engine then still has a core to itself,
 * but any other busy process (a test suite, another service) or a one-core
 * machine's busy API would hold it back, ticks and sends with it, for as
 * long as that lasts (the tests that tick an engine thread timed out beside
 * three busy loops in background, and passed in normal). A backtest's
 * threads, at nice 10 beside a normal engine, go to SCHED_IDLE beside this
 * one (backtest/thread/nice.ts).
 */
export type EnginePriority = 'background' | 'normal';

const priorities: readonly EnginePriority[] = ['background', 'normal'];

/** ENGINE_PRIORITY from the environment: `normal` when unset; anything else is refused, naming the variable. */
export function enginePriorityFrom(env: NodeJS.ProcessEnv): EnginePriority {
  const v = env.ENGINE_PRIORITY;
  if (v === undefined || v === '') return 'normal';
  if ((priorities as readonly string[]).includes(v)) return v as EnginePriority;
  throw new Error(`ENGINE_PRIORITY must be one of ${priorities.join(', ')}, got "${v}"`);
}
