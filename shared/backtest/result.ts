import { z } from 'zod';
import { Channel } from '../journey/channels';

/**
 * What a backtest found: a journey (its draft, and its live version for
 * comparison) replayed over the recorded events of a past window on a copy of
 * the data. Stored as JSON with the backtest's row and parsed with this schema
 * when read back; the canvas draws `nodes` as it draws the live numbers, in a
 * colour of its own.
 */

const counts = z.record(z.string(), z.number());

/** One node's figures over the window, from the replay's own counters (the same ones the live overlay reads). */
export const BacktestNode = z.object({
  entered: z.number(),
  /** runs at the node when the window closed */
  waiting: z.number(),
  exited: z.number(),
  exitReasons: counts,
  /** what the node sends on, when it sends */
  channel: Channel.nullable(),
  sent: z.number(),
  /** messages never sent, by policy reason (cap, quiet hours, opt-out) */
  withheld: counts,
  /** messages held back by the policy (sent later, or still held when the window closed), by reason */
  deferred: counts,
  /** contacts who did each goal or funnel event within its window after visiting the node (recorded events, not simulated ones) */
  reached: counts,
  /** of them, the journey's first goal */
  converted: z.number(),
  conversionRate: z.number().nullable(),
});
export type BacktestNode = z.infer<typeof BacktestNode>;

export const ChannelFigures = z.object({ channel: Channel, sent: z.number(), withheld: z.number(), deferred: z.number() });
export type ChannelFigures = z.infer<typeof ChannelFigures>;

/** One version's replay: the draft's, or the live version's over the same window and the same people. */
export const BacktestRun = z.object({
  /** 'draft', or 'v3' for a published version */
  label: z.string(),
  version: z.number().nullable(),
  /** contacts who entered the journey in the window */
  entered: z.number(),
  nodes: z.record(z.string(), BacktestNode),
  /** contacts who left `source` by `port` */
  edges: z.array(z.object({ source: z.string(), port: z.string(), count: z.number() })),
  byChannel: z.array(ChannelFigures),
  /** contacts who reached each goal after entering */
  goals: counts,
  exits: counts,
  /** engine ticks the replay took, and its time */
  ticks: z.number(),
  seconds: z.number(),
});
export type BacktestRun = z.infer<typeof BacktestRun>;

/** Draft against live, per channel and for entries and the first goal: "v3 would have sent 18% fewer SMS". */
export const Comparison = z.object({
  what: z.string(),
  draft: z.number(),
  live: z.number(),
  /** (draft − live) ÷ live; null when live is 0 */
  change: z.number().nullable(),
});
export type Comparison = z.infer<typeof Comparison>;

export const BacktestResult = z.object({
  from: z.number(),
  to: z.number(),
  /** the journey's first goal, as the draft defines it */
  goal: z.string().nullable(),
  /** contacts copied: every contact who could have entered in the window */
  contacts: z.number(),
  /** recorded events replayed into each copy, in time order */
  events: z.number(),
  draft: BacktestRun,
  live: BacktestRun.nullable(),
  comparison: z.array(Comparison),
  seconds: z.object({ copy: z.number(), total: z.number() }),
  /** threads that replayed it side by side, each a share of the contacts (results kept before there were shares: 1) */
  threads: z.number().int().min(1).default(1),
});
export type BacktestResult = z.infer<typeof BacktestResult>;

export const backtestStatuses = ['running', 'done', 'failed', 'cancelled'] as const;
export type BacktestStatus = (typeof backtestStatuses)[number];
