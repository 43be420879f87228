CREATE TABLE `backtests` (
	`id` text PRIMARY KEY NOT NULL,
	`journey_id` text NOT NULL,
	`draft_hash` text NOT NULL,
	`draft_updated_at` integer NOT NULL,
	`live_version` integer,
	`window_from` integer NOT NULL,
	`window_to` integer NOT NULL,
	`status` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`result` text,
	`error` text,
	`started_by` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`cancelled_by` text
);
--> statement-breakpoint
CREATE INDEX `backtests_journey` ON `backtests` (`journey_id`,`started_at`);