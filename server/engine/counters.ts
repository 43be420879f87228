/**
 * The pre-aggregated counters, written in the transaction that changes the
 * rows they count: `metrics` per (journey, version, node, metric, label, UTC
 * day). `node_gauges` (who is at a node now) belong to the run store
 * (server/runs/), which moves them with the runs.
 */

/**
 * An INSERT that adds to the metric counters: `rows` is `values (…7 params)`
 * or a `select journey_id, version, node_id, metric, label, day, count …`
 * (which needs a WHERE before its GROUP BY, or SQLite reads the ON CONFLICT
 * as part of a join).
 */
export const addToMetrics = (rows: string): string =>
  `insert into metrics (journey_id, version, node_id, metric, label, day, count) ${rows}
   on conflict(journey_id, version, node_id, metric, label, day) do update set count = count + excluded.count`;

/** Add `count` to one counter: (journey, version, node, metric, label, day, count). */
export const addToMetric = addToMetrics('values (?, ?, ?, ?, ?, ?, ?)');
