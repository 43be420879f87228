CREATE TABLE `test_contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`phone` text,
	`email` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX `test_contacts_phone` ON `test_contacts` (`phone`);--> statement-breakpoint
CREATE UNIQUE INDEX `test_contacts_email` ON `test_contacts` (`email`);--> statement-breakpoint
CREATE TABLE `test_sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`journey_id` text NOT NULL,
	`node_id` text NOT NULL,
	`channel` text NOT NULL,
	`template` text NOT NULL,
	`template_version` integer NOT NULL,
	`variant` text NOT NULL,
	`contact_id` integer NOT NULL,
	`contact_external_id` text,
	`test_contact_id` integer NOT NULL,
	`to` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`response` text,
	`provider` text NOT NULL,
	`sent_by` text NOT NULL,
	`created_at` integer NOT NULL
);--> statement-breakpoint
CREATE INDEX `test_sends_created` ON `test_sends` (`created_at`);--> statement-breakpoint
CREATE INDEX `test_sends_journey` ON `test_sends` (`journey_id`,`created_at`);
