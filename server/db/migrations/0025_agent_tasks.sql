-- The agent_call channel (issue 19): a send node's message becomes a call task in a team's queue; agents claim
-- tasks up to their daily capacity and record the outcome as a `call_outcome` event. One task per message ever.
CREATE TABLE `agent_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`node_id` text NOT NULL,
	`team` text NOT NULL,
	`priority` real NOT NULL,
	`script` text,
	`status` text NOT NULL,
	`due_at` integer NOT NULL,
	`claimed_by` text,
	`claimed_at` integer,
	`claimed_day` text,
	`outcome` text,
	`note` text,
	`closed_at` integer,
	`created_at` integer NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX `agent_tasks_message` ON `agent_tasks` (`message_id`);--> statement-breakpoint
CREATE INDEX `agent_tasks_queue` ON `agent_tasks` (`team`,`status`,`priority`,`due_at`);--> statement-breakpoint
CREATE INDEX `agent_tasks_agent_day` ON `agent_tasks` (`claimed_by`,`claimed_day`);--> statement-breakpoint
CREATE TABLE `agents` (
	`user_id` text PRIMARY KEY NOT NULL,
	`team` text DEFAULT 'default' NOT NULL,
	`daily_capacity` integer DEFAULT 40 NOT NULL
);
