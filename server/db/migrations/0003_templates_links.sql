CREATE TABLE `clicks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`message_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`at` integer NOT NULL,
	`first` integer NOT NULL,
	`user_agent` text
);
--> statement-breakpoint
CREATE INDEX `clicks_message` ON `clicks` (`message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `clicks_first` ON `clicks` (`message_id`) WHERE "clicks"."first" = 1;--> statement-breakpoint
CREATE TABLE `links` (
	`code` text PRIMARY KEY NOT NULL,
	`message_id` integer NOT NULL,
	`url` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `links_message` ON `links` (`message_id`);--> statement-breakpoint
CREATE TABLE `template_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`template_key` text NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`category` text NOT NULL,
	`locale` text NOT NULL,
	`variables` text NOT NULL,
	`variants` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `template_versions_key_version` ON `template_versions` (`template_key`,`version`);--> statement-breakpoint
CREATE TABLE `templates` (
	`key` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`current_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `template_version` integer;--> statement-breakpoint
CREATE INDEX `messages_template` ON `messages` (`template`,`variant`,`status`);