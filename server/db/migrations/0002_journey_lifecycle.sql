ALTER TABLE `runs` ADD `held_wake_at` integer;--> statement-breakpoint
CREATE INDEX `runs_held` ON `runs` (`journey_id`) WHERE "runs"."held_wake_at" is not null;