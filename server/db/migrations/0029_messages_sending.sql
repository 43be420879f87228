-- The messages out with a provider, by when their lease expires: the running engine takes back an expired lease
-- (a settle that failed to write, a restart inside the lease) every minute, in one indexed read of a few rows,
-- not only at start-up over every message.
CREATE INDEX `messages_sending` ON `messages` (`lease_expires_at`) WHERE "messages"."status" = 'sending';
