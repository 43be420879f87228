import { canMove, type MessageStatus, type NextStatus } from '../../shared/outbox/status';

/** The statuses that may move to every status in `T` (non-distributive: all of them, not any). */
export type FromStatus<T extends MessageStatus> = { [K in MessageStatus]: [T] extends [NextStatus<K>] ? K : never }[MessageStatus];

/** A status change a statement makes: the `from` it matches and the `to` it may write, as SQL. */
export interface Move {
  from: readonly MessageStatus[];
  to: readonly MessageStatus[];
  /** `status = 'queued'` or `status in ('queued', …)`, prefixed with `alias.` when given */
  where: (alias?: string) => string;
}

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/**
 * Every statement in server/outbox/ that changes `messages.status` declares
 * its change here: a change the table in shared/outbox/status.ts does not
 * allow fails to compile (and, for a cast, at load).
 */
export function move<T extends MessageStatus>(from: readonly FromStatus<T>[], to: T | readonly T[]): Move {
  const tos: readonly MessageStatus[] = typeof to === 'string' ? [to] : to;
  for (const f of from) for (const t of tos) if (!canMove(f, t)) throw new Error(`outbox: ${f} → ${t} is not an allowed transition`);
  // one status is written `= 'x'`, as the runner's statements always were: the same SQL text, the same plan
  return { from, to: tos, where: (alias) => `${alias ? `${alias}.` : ''}status ${from.length === 1 ? `= ${list(from)}` : `in (${list(from)})`}` };
}

/** Every move the outbox makes, for the test that reads them against the table. */
export const moves = {
  enqueue: move(['deferred'], ['queued', 'deferred', 'suppressed']),
  claim: move(['queued'], 'sending'),
  settleSent: move(['sending'], ['sent', 'delivered']),
  retry: move(['sending'], ['queued', 'held', 'suppressed']),
  fail: move(['sending'], 'failed'),
  deadLetter: move(['sending'], 'dead'),
  hold: move(['queued'], 'held'),
  release: move(['held'], 'queued'),
  suppressUnsent: move(['queued', 'held', 'deferred'], 'suppressed'),
  suppressDeferred: move(['deferred'], 'suppressed'),
  recover: move(['sending'], ['queued', 'held', 'suppressed']),
  redrive: move(['dead'], ['queued', 'held', 'suppressed']),
  discard: move(['dead'], 'failed'),
} as const satisfies Record<string, Move>;

/**
 * A move along `hops` in one statement, each hop one the table allows
 * (checked when it is declared, as `move` is at load), for a provider that
 * answers as it is called. Only the backtest's copy makes one: its providers
 * take every message at once and deliver it, so claiming, sending and
 * delivering happen at one moment, each hop in the message's history.
 */
export function moveAlong(hops: readonly [MessageStatus, ...MessageStatus[]]): Move {
  for (let i = 1; i < hops.length; i++) {
    const [a, b] = [hops[i - 1] as MessageStatus, hops[i] as MessageStatus];
    if (!canMove(a, b)) throw new Error(`outbox: ${a} → ${b} is not an allowed transition`);
  }
  const from = hops[0];
  return { from: [from], to: [hops[hops.length - 1] as MessageStatus], where: (alias) => `${alias ? `${alias}.` : ''}status = '${from}'` };
}

/** A path and the move it makes, its hops written once. */
const along = (hops: readonly [MessageStatus, ...MessageStatus[]]) => ({ move: moveAlong(hops), hops });

/** Every path the outbox takes in one statement, for the test that reads each hop against the table. */
export const paths = {
  /** the backtest's delivery at enqueue (outboxSql.deliverForRuns), of a new message: inserted as queued would be, then sent and delivered */
  deliverNew: along(['queued', 'sending', 'delivered']),
  /** the same, of a message deferred earlier */
  deliverDeferred: along(['deferred', 'queued', 'sending', 'delivered']),
} as const satisfies Record<string, { move: Move; hops: readonly MessageStatus[] }>;
