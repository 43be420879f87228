ALTER TABLE `journeys` ADD `error` text;--> statement-breakpoint
ALTER TABLE `journeys` ADD `errored_at` integer;--> statement-breakpoint
ALTER TABLE `workspace` ADD `link_hosts` text DEFAULT '[]' NOT NULL;