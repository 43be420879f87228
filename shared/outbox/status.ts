/**
 * A message's life in the outbox: held back by the policy (deferred,
 * suppressed), parked while its journey is paused (held), or queued → sending (handed to the provider; a crash here
 * re-sends under the same idempotency key, which providers dedupe) → sent /
 * delivered / failed / dead. Shared: the server stores it, the outbox page filters by it.
 */
export const messageStatuses = ['deferred', 'suppressed', 'queued', 'held', 'sending', 'sent', 'delivered', 'failed', 'dead'] as const;
export type MessageStatus = (typeof messageStatuses)[number];
