-- Big /v1/batch requests of plain tracked events (known contacts, routed nowhere) are appended here, one row a
-- request, and indexed into `events` (and deduplicated into `ingested`) by the engine at its next tick, in large
-- transactions: indexing them on the request path cost two random index inserts an event and held ingestion to
-- about 45,000 events/s. `body` is the events as a JSON array of [contact_id, name, type, properties, context, at,
-- message_id] rows, in the request's order; `events` counts them, `message_ids` those with a messageId.
CREATE TABLE `events_inbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL,
	`events` integer NOT NULL,
	`message_ids` integer NOT NULL,
	`body` text NOT NULL
);
