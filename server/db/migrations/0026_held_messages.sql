-- Resuming a journey put its held messages back to the queue through messages_node, which reads every message the
-- journey ever sent (960k for a journey of 480k contacts: the API stood still for a second). A partial index of the
-- held messages alone, empty unless a journey is paused, takes resume straight to them; nothing else ever writes it.
CREATE INDEX `messages_held` ON `messages` (`journey_id`) WHERE "messages"."status" = 'held';
