DROP INDEX IF EXISTS `messages_template`;--> statement-breakpoint
CREATE INDEX `messages_template` ON `messages` (`template`,`template_version`,`variant`,`status`) WHERE "messages"."variant" is not null;
--> statement-breakpoint
ALTER TABLE `workspace` ADD `roi` text DEFAULT '{}' NOT NULL;
