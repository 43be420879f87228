-- How many events the inbox holds, kept by triggers on each append and removal: the API reads it on every big
-- /v1/batch (the queue's cap) and /metrics on every scrape, and summing the inbox's rows took half a millisecond
-- a request behind a backlog of a million events (2,000 requests), a second and a half of the API thread in a run
-- of bench:api.
CREATE TABLE `events_inbox_size` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`events` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `events_inbox_size` (`id`, `events`) SELECT 1, coalesce(sum(`events`), 0) FROM `events_inbox`;
--> statement-breakpoint
CREATE TRIGGER `events_inbox_appended` AFTER INSERT ON `events_inbox` BEGIN
	UPDATE `events_inbox_size` SET `events` = `events` + new.`events`;
END;
--> statement-breakpoint
CREATE TRIGGER `events_inbox_removed` AFTER DELETE ON `events_inbox` BEGIN
	UPDATE `events_inbox_size` SET `events` = `events` - old.`events`;
END;
