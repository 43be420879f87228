DROP INDEX `messages_template`;--> statement-breakpoint
CREATE INDEX `messages_template` ON `messages` (`template`,`variant`,`status`) WHERE "messages"."variant" is not null;