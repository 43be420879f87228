ALTER TABLE `journey_versions` ADD `enrol_from` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `laps` text;--> statement-breakpoint
ALTER TABLE `workspace` ADD `unit_prices` text DEFAULT '{}' NOT NULL;