import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { backtestStatuses } from '../../shared/backtest/result';

// ─── backtests: a draft replayed over past events (server/backtest/, services/backtests.ts) ──────────

/**
 * One backtest of a journey's draft, kept with the draft: which draft (its
 * hash and save time), which window, who started it, how it went. The result
 * is JSON of `BacktestResult` (shared/backtest/result.ts), parsed with its
 * schema when read back. Progress while running lives in memory on the server;
 * the row holds the last known figure.
 */
export const backtests = sqliteTable(
  'backtests',
  {
    id: text('id').primaryKey(),
    journeyId: text('journey_id').notNull(),
    /** sha-256 of the draft graph as it was replayed: a later edit makes the result stale */
    draftHash: text('draft_hash').notNull(),
    draftUpdatedAt: integer('draft_updated_at').notNull(),
    /** the live version it was compared with, if any */
    liveVersion: integer('live_version'),
    windowFrom: integer('window_from').notNull(),
    windowTo: integer('window_to').notNull(),
    status: text('status', { enum: backtestStatuses }).notNull(),
    progress: real('progress').notNull().default(0),
    result: text('result', { mode: 'json' }),
    error: text('error'),
    startedBy: text('started_by').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    cancelledBy: text('cancelled_by'),
  },
  (t) => [index('backtests_journey').on(t.journeyId, t.startedAt)],
);
