import type { Lowering } from '../../threadPriority';
import type { EnginePriority } from '../../engine/thread/priority';

/**
 * A backtest is a background job beside the live engine, which ticks on
 * another thread of the same process: on a machine with few cores, the tick
 * goes first. Each backtest thread lowers itself first (`serveThread`), so
 * the API and the engine keep theirs; lowering needs no privilege. Where the
 * platform refuses, or has no thread ids (server/threadPriority.ts), the
 * backtest runs as it is.
 */
export const backtestNice = 10;

/**
 * How low a backtest's threads run beside an engine at `engine`: nice
 * `backtestNice`, or, with the engine itself in the background (SCHED_IDLE),
 * there too. At nice 10 they would be above it, and a backtest's thread per
 * core would hold the engine's ticks and sends back for the whole replay;
 * beside it they share what the API leaves.
 */
export const backtestLowering = (engine: EnginePriority): Lowering => (engine === 'background' ? 'idle' : backtestNice);
