-- How many of a queued request's events carry a messageId was written with each request and never read: the
-- drain finds the batch's messageIds in the staged events themselves (engine/eventInbox.ts).
ALTER TABLE `events_inbox` DROP COLUMN `message_ids`;
