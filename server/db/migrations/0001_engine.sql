CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`anonymous_id` text,
	`traits` text DEFAULT '{}' NOT NULL,
	`phone` text,
	`email` text,
	`timezone` text,
	`opt_outs` text DEFAULT '[]' NOT NULL,
	`registered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_external_id` ON `contacts` (`external_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_anonymous_id` ON `contacts` (`anonymous_id`);--> statement-breakpoint
CREATE INDEX `contacts_registered_at` ON `contacts` (`registered_at`);--> statement-breakpoint
CREATE INDEX `contacts_phone` ON `contacts` (`phone`);--> statement-breakpoint
CREATE TABLE `conversions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`node_id` text NOT NULL,
	`goal` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversions_event_node` ON `conversions` (`event_id`,`journey_id`,`version`,`node_id`);--> statement-breakpoint
CREATE INDEX `conversions_journey` ON `conversions` (`journey_id`,`version`,`node_id`);--> statement-breakpoint
CREATE TABLE `enrolments` (
	`version_id` integer PRIMARY KEY NOT NULL,
	`last_run_at` integer NOT NULL,
	`enrolled` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text DEFAULT 'track' NOT NULL,
	`properties` text DEFAULT '{}' NOT NULL,
	`context` text,
	`at` integer NOT NULL,
	`message_id` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_contact_name_at` ON `events` (`contact_id`,`name`,`at`);--> statement-breakpoint
CREATE INDEX `events_name_at` ON `events` (`name`,`at`);--> statement-breakpoint
CREATE TABLE `ingested` (
	`message_id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`node_id` text NOT NULL,
	`visit` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`channel` text NOT NULL,
	`template` text NOT NULL,
	`category` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`variant` text,
	`body` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`queued_at` integer,
	`history` text DEFAULT '[]' NOT NULL,
	`response` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_key` ON `messages` (`run_id`,`node_id`,`visit`);--> statement-breakpoint
CREATE INDEX `messages_queue` ON `messages` (`channel`,`next_attempt_at`) WHERE "messages"."status" = 'queued';--> statement-breakpoint
CREATE INDEX `messages_journey` ON `messages` (`journey_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`node_id` text NOT NULL,
	`metric` text NOT NULL,
	`label` text DEFAULT '' NOT NULL,
	`day` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`journey_id`, `version`, `node_id`, `metric`, `label`, `day`)
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`journey_id` text NOT NULL,
	`version_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`node_id` text NOT NULL,
	`status` text NOT NULL,
	`visit` integer NOT NULL,
	`wake_at` integer,
	`waiting_for` text,
	`entered_at` integer NOT NULL,
	`node_entered_at` integer NOT NULL,
	`exit_reason` text,
	`exited_at` integer,
	`exclusion_group` text,
	`entries` integer DEFAULT 1 NOT NULL,
	`path` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runs_contact_version` ON `runs` (`contact_id`,`version_id`);--> statement-breakpoint
CREATE INDEX `runs_due` ON `runs` (`wake_at`,`node_entered_at`) WHERE "runs"."wake_at" is not null;--> statement-breakpoint
CREATE INDEX `runs_waiting_for` ON `runs` (`waiting_for`,`contact_id`) WHERE "runs"."waiting_for" is not null;--> statement-breakpoint
CREATE TABLE `sandbox_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`channel` text NOT NULL,
	`to` text,
	`body` text,
	`outcome` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sandbox_deliveries_message` ON `sandbox_deliveries` (`message_id`);--> statement-breakpoint
CREATE TABLE `scheduled_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`name` text NOT NULL,
	`properties` text NOT NULL,
	`due_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `scheduled_events_due` ON `scheduled_events` (`due_at`);--> statement-breakpoint
CREATE TABLE `segments` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`rules` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `workspace` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`write_key` text NOT NULL,
	`timezone` text NOT NULL,
	`rng_seed` integer NOT NULL,
	`policy` text NOT NULL,
	`created_at` integer NOT NULL
);
