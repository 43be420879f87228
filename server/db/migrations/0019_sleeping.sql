ALTER TABLE `contacts` ADD `sleeping_since` integer;--> statement-breakpoint
CREATE INDEX `contacts_sleeping` ON `contacts` (`sleeping_since`) WHERE "contacts"."sleeping_since" is not null;--> statement-breakpoint
-- any event the contact does (not a system one) wakes a sleeping contact, whichever path appended it:
-- an SDK call, a bulk batch, a tracked-link click, a provider's reply. One primary-key probe per event.
CREATE TRIGGER `events_wake_sleeping` AFTER INSERT ON `events`
WHEN NEW.`type` <> 'system'
BEGIN
  UPDATE `contacts` SET `sleeping_since` = NULL WHERE `id` = NEW.`contact_id` AND `sleeping_since` IS NOT NULL;
END;
