-- Deferred messages stranded by runs that left before they went: their run exited (or was merged away
-- with its contact) while the message waited out quiet hours or a cap, and nothing would ever send or
-- end it. Suppressed now as a run leaving suppresses them since (server/engine/writeBatch.ts), with
-- the same reason, history entry and metric, so the counters still reconcile with the rows.
CREATE TEMP TABLE `stranded` AS
SELECT m.id, m.journey_id, m.version, m.node_id,
       CASE WHEN r.id IS NULL THEN 'exited:contact_merged' ELSE 'exited:' || coalesce(r.exit_reason, 'exit') END AS reason,
       coalesce(r.exited_at, m.updated_at) AS at
FROM `messages` m LEFT JOIN `runs` r ON r.id = m.run_id
WHERE m.status = 'deferred' AND (r.id IS NULL OR r.status = 'exited');
--> statement-breakpoint
INSERT INTO `metrics` (journey_id, version, node_id, metric, label, day, count)
SELECT journey_id, version, node_id, 'suppressed', reason, strftime('%Y-%m-%d', at / 1000, 'unixepoch'), count(*)
FROM `stranded` WHERE true
GROUP BY journey_id, version, node_id, reason, strftime('%Y-%m-%d', at / 1000, 'unixepoch')
ON CONFLICT (journey_id, version, node_id, metric, label, day) DO UPDATE SET count = count + excluded.count;
--> statement-breakpoint
UPDATE `messages` SET status = 'suppressed', reason = s.reason, next_attempt_at = NULL,
  history = json_insert(`messages`.history, '$[#]', json_object('status', 'suppressed', 'at', s.at, 'detail', json_object('reason', s.reason))),
  updated_at = s.at
FROM `stranded` s WHERE `messages`.id = s.id;
--> statement-breakpoint
DROP TABLE `stranded`;
