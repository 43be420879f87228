CREATE TABLE `channel_health` (
	`channel` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`failures` integer NOT NULL,
	`last_error` text,
	`since` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `engine_owner` (
	`id` integer PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`host` text NOT NULL,
	`pid` integer NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `lease_expires_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `error` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `first_failed_at` integer;--> statement-breakpoint
CREATE INDEX `messages_dead` ON `messages` (`channel`,`error`,`updated_at`) WHERE "messages"."status" = 'dead';