CREATE TABLE `node_gauges` (
	`version_id` integer NOT NULL,
	`node_id` text NOT NULL,
	`active` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`version_id`, `node_id`)
);
--> statement-breakpoint
DROP INDEX `conversions_event_node`;--> statement-breakpoint
ALTER TABLE `conversions` ADD `run_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_once` ON `conversions` (`contact_id`,`journey_id`,`version`,`node_id`,`goal`);