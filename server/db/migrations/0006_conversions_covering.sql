DROP INDEX `conversions_journey`;--> statement-breakpoint
CREATE INDEX `conversions_journey` ON `conversions` (`journey_id`,`version`,`node_id`,`goal`,`at`,`contact_id`);