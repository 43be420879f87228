import { moves, paths } from './moves';

/**
 * The outbox statements the runner's batch transaction prepares itself
 * (server/engine/writeBatch.ts): the text lives here, with every other write
 * of `messages.status`, and the runner keeps its own prepared statements and
 * grouping, so a wave of a million runs pays nothing for the indirection.
 */
const deliverForRuns = `insert into messages (run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, next_attempt_at, queued_at, attempts, response, history, created_at, updated_at)
     select r.id, ?, ?, ?, ?, r.contact_id, ?, ?, ?, 'delivered', null, ?, 1, '{"sandbox":true}', ?, ?, ? from json_each(?) j cross join runs r on r.id = j.value where true
     on conflict(run_id, node_id, visit) do update set status = 'delivered', reason = null, next_attempt_at = null, queued_at = excluded.queued_at,
       attempts = messages.attempts + 1, response = excluded.response, updated_at = excluded.updated_at,
       history = substr(messages.history, 1, length(messages.history) - 1) || ',' || substr(excluded.history, 2)
     where messages.${paths.deliverDeferred.move.where()}`;

export const outboxSql = {
  /**
   * Enqueue one message per run id, in the JSON array's order (cross join: the
   * array drives the loop), its contact read from the run's row (cheaper than a
   * [run, contact] pair taken apart with ->> twice a row). Parameters: journey,
   * version, node, visit, channel, template, category, status, reason,
   * next_attempt_at, queued_at, history (a one-entry JSON array), created_at,
   * updated_at, run ids (JSON). A deferred message becomes queued (or deferred
   * again, or suppressed) under the same key; any other existing row stays as it
   * is (never twice), so `changes` counts what moved.
   */
  enqueueForRuns: `insert into messages (run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, reason, next_attempt_at, queued_at, history, created_at, updated_at)
     select r.id, ?, ?, ?, ?, r.contact_id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from json_each(?) j cross join runs r on r.id = j.value where true
     on conflict(run_id, node_id, visit) do update set status = excluded.status, reason = excluded.reason, next_attempt_at = excluded.next_attempt_at,
       queued_at = excluded.queued_at, history = json_insert(messages.history, '$[#]', json(excluded.history -> '$[0]')), updated_at = excluded.updated_at
     where messages.${moves.enqueue.where()}`,

  /**
   * A click on the message's tracked link (server/engine/clicks.ts prepares it in its transaction): the message keeps
   * its earliest click, the funnel's clicked step, whatever order clicks are recorded in. Not a status: a clicked
   * message stays sent or delivered. Parameters: { at, id } (the message's).
   */
  markClicked: `update messages set clicked_at = @at where id = @id and (clicked_at is null or clicked_at > @at)`,

  /** A run that leaves its journey while its message waits (deferred) takes the message with it: (reason, history entry, updated_at, run, node). */
  suppressDeferredOfRun: `update messages set status = 'suppressed', reason = ?, next_attempt_at = null, history = json_insert(history, '$[#]', json(?)), updated_at = ?
     where run_id = ? and node_id = ? and ${moves.suppressDeferred.where()}`,

  /** The same for a set of runs given as a JSON array of ids: (reason, history entry, updated_at, run ids). */
  suppressDeferredOfRuns: `update messages set status = 'suppressed', reason = ?, next_attempt_at = null, history = json_insert(history, '$[#]', json(?)), updated_at = ?
     where run_id in (select value from json_each(?)) and ${moves.suppressDeferred.where()}`,

  /** What `suppressDeferredOfRuns` is about to suppress, as metric rows: (reason, day, run ids) into addToMetrics. */
  countDeferredOfRuns: `select journey_id, version, node_id, 'suppressed', ?, ?, count(*) from messages
     where run_id in (select value from json_each(?)) and ${moves.suppressDeferred.where()} group by journey_id, version, node_id`,

  /**
   * The backtest's enqueue (server/backtest/, on its copy only, through the runner's batch): as `enqueueForRuns`, but each
   * message is claimed, sent and delivered as it is queued, as the backtest's providers answer, in one write of its row
   * instead of an insert into the queue and an update out of it; its history holds the four hops (queued, sending, sent,
   * delivered), its entries spliced in as text, as a run's path is. A deferred message under the same key goes the same
   * way, its hops appended. Parameters: journey, version, node, visit, channel, template, category, queued_at, history
   * (the four entries as a JSON array), created_at, updated_at, run ids (JSON). `changes` counts what was delivered; `…Returning` gives the ids, for
   * the runs that wait for their message's outcome.
   */
  deliverForRuns,
  deliverForRunsReturning: `${deliverForRuns} returning id`,
} as const;
