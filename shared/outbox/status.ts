/**
 * A message's life in the outbox: held back by the policy (deferred,
 * suppressed), parked while its journey is paused (held), or queued → sending
 * (leased to one engine and handed to the provider; a crash here re-sends
 * under the same idempotency key once the lease expires) → sent / delivered /
 * failed / dead. A dead letter can be re-driven (queued again, or held or
 * suppressed with its paused or archived journey) or discarded
 * (failed for good). Shared: the server stores it, the outbox page filters by it.
 */
export const messageStatuses = ['deferred', 'suppressed', 'queued', 'held', 'sending', 'sent', 'delivered', 'failed', 'dead'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/**
 * Where each status may go next, and nowhere else. server/outbox/ is the only
 * writer of `messages.status` and names each of its changes through
 * `moveSql(from, to)`, so a change this table does not list is a compile error.
 *
 * - deferred: the policy let it through (queued), held it again (deferred, a
 *   later `until`), or its run left first (suppressed);
 * - queued: claimed under a lease (sending), its journey paused (held) or
 *   archived (suppressed);
 * - held: its journey resumed (queued) or was archived (suppressed);
 * - sending: the provider answered (sent, delivered, failed), a retry is due
 *   (queued; held or suppressed if the journey froze meanwhile), the retry
 *   horizon passed (dead), or the lease expired after a crash (queued, held,
 *   suppressed);
 * - sent: a delivery receipt came later (delivered);
 * - dead: re-driven (queued, attempts reset; held or suppressed if its
 *   journey is paused or archived) or discarded (failed).
 */
export const messageTransitions = {
  deferred: ['queued', 'deferred', 'suppressed'],
  queued: ['sending', 'held', 'suppressed'],
  held: ['queued', 'suppressed'],
  sending: ['sent', 'delivered', 'failed', 'queued', 'held', 'suppressed', 'dead'],
  sent: ['delivered'],
  delivered: [],
  failed: [],
  dead: ['queued', 'held', 'suppressed', 'failed'],
  suppressed: [],
} as const satisfies Record<MessageStatus, readonly MessageStatus[]>;

/** The statuses `from` may move to. */
export type NextStatus<F extends MessageStatus> = (typeof messageTransitions)[F][number];

/** May a message in `from` move to `to`? */
export function canMove(from: MessageStatus, to: MessageStatus): boolean {
  return (messageTransitions[from] as readonly MessageStatus[]).includes(to);
}

/** The reason a discarded dead letter keeps (status `failed`), and the one a re-driven message's history shows. */
export const discardedReason = 'discarded';
export const redrivenReason = 'redriven';

/**
 * The statuses at which a message's outcome is known, for a run that waits
 * for it (a send node with its `failed` port connected): sent or delivered;
 * failed or dead; or suppressed (its journey was archived, or its run left,
 * while it waited). A dead letter may be re-driven later, but by then its run
 * has gone on.
 */
export const settledStatuses = ['sent', 'delivered', 'failed', 'dead', 'suppressed'] as const satisfies readonly MessageStatus[];
export type SettledStatus = (typeof settledStatuses)[number];
