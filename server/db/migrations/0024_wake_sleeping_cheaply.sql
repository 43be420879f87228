-- Waking a sleeping contact on its next event cost a primary-key probe of contacts for every event appended,
-- a random page of a million-row table each, and made bulk ingestion over three times slower. The trigger now
-- asks a partial index that holds only the sleeping contacts (small, and in cache) and touches contacts only
-- for one of them.
CREATE INDEX `contacts_sleeping_id` ON `contacts` (`id`) WHERE "contacts"."sleeping_since" is not null;--> statement-breakpoint
DROP TRIGGER IF EXISTS `events_wake_sleeping`;--> statement-breakpoint
CREATE TRIGGER `events_wake_sleeping` AFTER INSERT ON `events`
WHEN NEW.`type` <> 'system'
  AND EXISTS (SELECT 1 FROM `contacts` INDEXED BY `contacts_sleeping_id` WHERE `id` = NEW.`contact_id` AND `sleeping_since` IS NOT NULL)
BEGIN
  UPDATE `contacts` SET `sleeping_since` = NULL WHERE `id` = NEW.`contact_id`;
END;
