-- The engine indexes queued events (events_inbox) in two passes over a batch of requests: their messageIds into
-- `ingested` a range of ids at a time, then their events into `events` a range of contacts at a time. Both indexes
-- take random keys, and a commit writes every page it dirtied: committed 10,000 events at a time in arrival order,
-- each event dirtied a page of each (16 KB of WAL an event against 2M events of history, 50 µs an event); a slice of
-- one range dirties only that range's pages, so a page is written once a batch however often the drain commits.
-- `events_staged` holds the batch between the passes, in contact order; `seq` is the request's inbox id times 2^20
-- plus the event's place in it, their arrival order. `events_drain` is where the batch stands, so a drain stopped by
-- its time budget, an error or a crash goes on where it was: staging requests up to `through`, deduplicating
-- messageIds after `after`, or moving the events of contacts after `moved_through` (moved rows stay staged until
-- the batch ends, one DELETE of the whole table then, rather than 10,000 deletes a slice); `events` counts those
-- staged and not yet moved or dropped, `oldest` is when its first request came.
CREATE TABLE `events_staged` (
	`seq` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`properties` text NOT NULL,
	`context` text,
	`at` integer NOT NULL,
	`message_id` text,
	`received_at` integer NOT NULL,
	PRIMARY KEY (`contact_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `events_staged_message_id` ON `events_staged` (`message_id`, `seq`) WHERE `message_id` IS NOT NULL;
--> statement-breakpoint
CREATE TABLE `events_drain` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`through` integer NOT NULL,
	`phase` text NOT NULL CHECK (`phase` IN ('stage', 'dedupe', 'move')),
	`after` text,
	`moved_through` integer DEFAULT 0 NOT NULL,
	`events` integer NOT NULL,
	`oldest` integer NOT NULL
);
