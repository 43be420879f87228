import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { discardedReason, redrivenReason } from '../../shared/outbox/status';
import { utcDay } from '../../shared/util/time';
import { addToMetrics } from '../engine/counters';
import { historyEntry } from '../engine/writeBatch';
import { frozenCase, frozenMessage } from './frozen';
import { moves, type Move } from './moves';
import { outboxSql } from './statements';
import { ownershipOf, processOwnerId } from './ownership';

export { outboxSql } from './statements';
export { archivedExitReason, pausedHoldReason, frozenMessage } from './frozen';

/** A claimed message with what rendering and addressing it needs. */
export interface ClaimedMessage {
  id: number;
  key: string;
  contact_id: number;
  journey_id: string;
  version: number;
  node_id: string;
  channel: Channel;
  template: string;
  /** set once the message was first rendered: a retry renders the same version and variant */
  template_version: number | null;
  variant: string | null;
  attempts: number;
  /** when its first attempt failed (the retry horizon counts from here), null before */
  first_failed_at: number | null;
  external_id: string | null;
  phone: string | null;
  email: string | null;
  traits: string;
  timezone: string | null;
}

/** What an attempt leaves on the message, whatever the answer: null keeps what the message has. */
export interface Attempt {
  attempts: number;
  variant: string | null;
  templateVersion: number | null;
  /** the language of the copy rendered (null: nothing rendered) */
  locale?: string | null;
  /** the language the contact asked for when the template lacked it */
  localeFallback?: string | null;
  body: string | null;
  /** the provider's answer as JSON text */
  response: string;
}

/** Dead letters by id, or a whole (channel, error) group as the Dead letters page lists them. */
export type DeadLetterSelection = { ids: readonly number[] } | { channel: Channel; error: string | null };

export interface OutboxOptions {
  /** the lease owner this engine writes: default the ownership taken on the database (ownership.ts), else this process's id */
  owner?: () => string;
  /** wall-clock ms for leases (default Date.now): a lease is about a process and a vendor call, not the journey clock */
  wallNow?: () => number;
  /** how long a claim holds a message before another engine may take it back (default 5 min: well over a provider timeout) */
  leaseMs?: number;
}

/**
 * The outbox's one owner: every write of `messages.status` is here (the
 * runner's batch prepares `outboxSql` in its own transaction), each one
 * statement or one transaction, each a move the status table allows
 * (moves.ts). The dispatcher claims under a lease, settles what providers
 * answer and dead-letters what runs out of time; the journey lifecycle holds,
 * releases and suppresses; ops re-drive or discard dead letters; start-up
 * recovers expired leases.
 */
export function createOutbox(db: Db, o: OutboxOptions = {}) {
  const c = db.$client;
  const owner = o.owner ?? (() => ownershipOf(db)?.owner ?? processOwnerId);
  // an engine that lost the database to another (it was silent too long) claims nothing more
  const mayClaim = () => ownershipOf(db)?.held() ?? true;
  const wallNow = o.wallNow ?? Date.now;
  const leaseMs = o.leaseMs ?? 5 * 60_000;

  // where an unsent message belongs as its journey (j) stands: queued, or held or suppressed by a freeze (frozen.ts)
  const frozenTo = frozenCase((f) => `'${f.status}'`, "'queued'");
  const frozenReason = (otherwise: string) => frozenCase((f) => `'${f.reason}'`, otherwise);
  /** the history entry of a message a freeze holds or suppresses (at @now) */
  const freezeEntry = (f: { status: string; reason: string }) => `json_object('status', '${f.status}', 'at', @now, 'detail', json_object('reason', '${f.reason}'))`;
  /** the frozen statuses whose messages go where `keep` says, quoted for an `in` list */
  const frozenWhere = (keep: (f: { status: string }) => boolean) =>
    Object.entries(frozenMessage)
      .filter(([, f]) => keep(f))
      .map(([status]) => `'${status}'`);
  /** the messages `where` picks (alias m, with their journey j) that a freeze suppresses, counted under its reason */
  const countFrozenSuppressed = (where: string) =>
    c.prepare(
      addToMetrics(
        `select m.journey_id, m.version, m.node_id, 'suppressed', ${frozenReason('null')}, @day, count(*)
         from messages m join journeys j on j.id = m.journey_id where ${where} and ${frozenTo} = 'suppressed'
         group by m.journey_id, m.version, m.node_id`,
      ),
    );

  // a paused or archived journey's queued messages wait, unclaimed, for the pause's or the archive's slices to hold or
  // suppress them (the journey lifecycle changes a large outbox a slice at a time, after the status commits)
  const frozenJourneys = `select id from journeys where status in (${frozenWhere(() => true).join(', ')})`;
  const due = c.prepare<[string, number, number], ClaimedMessage>(
    `select m.id, m.run_id || ':' || m.node_id || ':' || m.visit key, m.contact_id, m.journey_id, m.version, m.node_id, m.channel, m.template, m.template_version, m.variant, m.attempts, m.first_failed_at,
            k.external_id, k.phone, k.email, k.traits, k.timezone
     from messages m join contacts k on k.id = m.contact_id
     where m.status = 'queued' and m.channel = ? and m.next_attempt_at <= ? and m.journey_id not in (${frozenJourneys})
     order by m.next_attempt_at, m.id limit ?`,
  );
  const lease = c.prepare(
    `update messages set status = 'sending', lease_owner = @owner, lease_expires_at = @until, history = json_insert(history, '$[#]', json(@entry)), updated_at = @now
     where id in (select value from json_each(@ids)) and ${moves.claim.where()}`,
  );
  const attemptSet = `attempts = @attempts, variant = coalesce(@variant, variant), template_version = coalesce(@templateVersion, template_version), locale = coalesce(@locale, locale), locale_fallback = coalesce(@localeFallback, locale_fallback), body = coalesce(@body, body), response = @response,
    lease_owner = null, lease_expires_at = null, updated_at = @now`;
  // a settle writes only a message this engine still holds: after a takeover, the answer is the new owner's to write
  const mine = (m: Move) => `id = @id and ${m.where()} and lease_owner = @owner`;
  const sent = c.prepare(`update messages set status = 'sent', next_attempt_at = null, ${attemptSet}, history = json_insert(history, '$[#]', json(@sent)) where ${mine(moves.settleSent)}`);
  const delivered = c.prepare(
    `update messages set status = 'delivered', next_attempt_at = null, ${attemptSet}, history = json_insert(history, '$[#]', json(@sent), '$[#]', json(@delivered)) where ${mine(moves.settleSent)}`,
  );
  const ended = (status: 'failed' | 'dead', m: Move) =>
    c.prepare(
      `update messages set status = '${status}', next_attempt_at = null, error = @error, first_failed_at = coalesce(first_failed_at, @now), ${attemptSet},
         history = json_insert(history, '$[#]', json(@entry)) where ${mine(m)}`,
    );
  const fail = ended('failed', moves.fail);
  const kill = ended('dead', moves.deadLetter);
  // back to the queue for its retry, unless its journey was paused or archived while the message was
  // with the provider (pause and archive change only the rows they can see): then held or suppressed
  const retry = c.prepare<Record<string, unknown>, { status: 'queued' | 'held' | 'suppressed'; reason: string | null }>(
    `update messages set status = ${frozenTo}, reason = ${frozenReason('messages.reason')},
       next_attempt_at = case when ${frozenTo} = 'suppressed' then null else @at end,
       error = @error, first_failed_at = coalesce(first_failed_at, @now), ${attemptSet},
       history = json_insert(messages.history, '$[#]', json(@failed), '$[#]', ${frozenCase(freezeEntry, "json_object('status', 'queued', 'at', @now)")})
     from journeys j where j.id = messages.journey_id and messages.id = @id and messages.${moves.retry.where()} and messages.lease_owner = @owner
     returning messages.status, messages.reason`,
  );

  // a journey's queued and held messages, found through the indexes that hold only those (the queue's: the messages
  // waiting now, every journey's; messages_held), not through messages_node, which reads every message the journey
  // ever sent. A pause holds the queued ones, a resume releases the held ones, an archive suppresses both, each up
  // to @limit at a time; its deferred ones go with its runs, a slice at a time: suppressDeferred, by run
  const queuedOf = `select id from messages indexed by messages_queue where status = 'queued' and journey_id = @journeyId`;
  const heldOf = `select id from messages indexed by messages_held where status = 'held' and journey_id = @journeyId`;
  const holdJourney = c.prepare(
    `update messages set status = 'held', reason = @reason, history = json_insert(history, '$[#]', json(@entry)), updated_at = @now
     where id in (${queuedOf} limit @limit) and ${moves.hold.where()}`,
  );
  const releaseJourney = c.prepare(
    `update messages set status = 'queued', reason = null, history = json_insert(history, '$[#]', json(@entry)), updated_at = @now
     where id in (${heldOf} limit @limit) and ${moves.release.where()}`,
  );
  const waitingIds = c.prepare<{ journeyId: string; limit: number }, number>(`select id from (${queuedOf} union all ${heldOf}) limit @limit`).pluck();
  const waiting = `id in (select value from json_each(@ids)) and ${moves.suppressUnsent.where()}`;
  const countWaiting = c.prepare(addToMetrics(`select journey_id, version, node_id, 'suppressed', @reason, @day, count(*) from messages where ${waiting} group by version, node_id`));
  const suppressWaiting = c.prepare(
    `update messages set status = 'suppressed', reason = @reason, next_attempt_at = null, history = json_insert(history, '$[#]', json(@entry)), updated_at = @now where ${waiting}`,
  );
  // the same messages counted and suppressed
  const suppressSome = c.transaction((journeyId: string, reason: string, now: number, limit: number): number => {
    const ids = JSON.stringify(waitingIds.all({ journeyId, limit }));
    countWaiting.run({ ids, reason, day: utcDay(now) });
    return suppressWaiting.run({ ids, reason, now, entry: historyEntry('suppressed', now, { reason }) }).changes;
  });
  // what a server stopped in the middle of a pause, a resume or an archive left: a live journey's held messages, and a
  // frozen one's queued or held messages that do not stand where frozenMessage puts them (each through its partial
  // index, read once at start-up)
  const moveTo = frozenCase((f) => (f.status === 'held' ? "'hold'" : "'suppress'"), "'release'");
  const frozenLeft = c.prepare<[], { journey_id: string; to: 'release' | 'hold' | 'suppress' }>(
    `select distinct m.journey_id, ${moveTo} "to"
       from messages m indexed by messages_held join journeys j on j.id = m.journey_id where m.status = 'held' and j.status in (${["'live'", ...frozenWhere((f) => f.status !== 'held')].join(', ')})
     union
     select distinct m.journey_id, ${moveTo}
       from messages m indexed by messages_queue join journeys j on j.id = m.journey_id where m.status = 'queued' and j.status in (${frozenWhere(() => true).join(', ')})`,
  );
  const countDeferred = c.prepare(addToMetrics(outboxSql.countDeferredOfRuns));
  const suppressDeferred = c.prepare(outboxSql.suppressDeferredOfRuns);

  // dead letters: one selection, by ids or by (channel, error), for re-drive and discard alike
  const deadOf = (alias?: string) => {
    const col = alias ? `${alias}.` : '';
    return `${moves.redrive.where(alias)} and (case when @ids is not null then ${col}id in (select value from json_each(@ids)) else ${col}channel = @channel and ${col}error is @error end)`;
  };
  const deadWhere = deadOf();
  const selection = (s: DeadLetterSelection) => ('ids' in s ? { ids: JSON.stringify(s.ids), channel: null, error: null } : { ids: null, channel: s.channel, error: s.error });
  // the node's counters follow the messages: a re-driven letter is no longer dead, a discarded one is failed
  const countDead = (metric: string, label: string, sign: number) =>
    c.prepare(addToMetrics(`select journey_id, version, node_id, '${metric}', '${label}', @day, ${sign} * count(*) from messages where ${deadWhere} group by journey_id, version, node_id`));
  const uncountDead = countDead('dead', '', -1);
  const countDiscarded = countDead('failed', discardedReason, 1);
  // a letter of a paused journey is re-driven to be held until the resume, one of an archived journey is suppressed,
  // as a retry would be (the claim passes by a frozen journey's queued messages: queued, it would wait for ever)
  const countRedrivenSuppressed = countFrozenSuppressed(deadOf('m'));
  const redrive = c.prepare(
    `update messages set status = ${frozenTo}, reason = ${frozenReason('messages.reason')}, attempts = 0, first_failed_at = null,
       next_attempt_at = case when ${frozenTo} = 'suppressed' then null else @now end, updated_at = @now,
       history = ${frozenCase((f) => `json_insert(messages.history, '$[#]', json(@entry), '$[#]', ${freezeEntry(f)})`, "json_insert(messages.history, '$[#]', json(@entry))")}
     from journeys j where j.id = messages.journey_id and ${deadOf('messages')}`,
  );
  const discard = c.prepare(
    `update messages set status = 'failed', reason = '${discardedReason}', next_attempt_at = null, history = json_insert(history, '$[#]', json(@entry)), updated_at = @now where ${deadWhere}`,
  );

  // recovery: a message whose lease expired (its engine died, or was taken over) goes again under the same
  // key, unless its journey was paused or archived meanwhile; rows from before leases (no owner) count as expired.
  // It keeps the time it was due (the claim leaves it), so it goes before what fell due after it, not behind the queue
  // read through messages_sending, which holds only the messages out with a provider
  const expired = `id in (select id from messages indexed by messages_sending where ${moves.recover.where()} and (lease_owner is null or lease_expires_at is null or lease_expires_at <= @wall))`;
  const countRecoveredSuppressed = countFrozenSuppressed(`m.${expired}`);
  const requeueRecovered = c.prepare(
    `update messages set status = ${frozenTo}, reason = ${frozenReason('messages.reason')},
       next_attempt_at = case when ${frozenTo} = 'suppressed' then null else min(coalesce(messages.next_attempt_at, @now), @now) end,
       lease_owner = null, lease_expires_at = null,
       history = json_insert(messages.history, '$[#]', json_object('status', ${frozenTo}, 'at', @now, 'detail', json_object('reason', ${frozenReason('@reason')}))),
       updated_at = @now
     from journeys j where j.id = messages.journey_id and messages.${expired}`,
  );

  const attempt = (id: number, a: Attempt, now: number): Record<string, unknown> => ({
    id,
    owner: owner(),
    now,
    attempts: a.attempts,
    variant: a.variant,
    templateVersion: a.templateVersion,
    locale: a.locale ?? null,
    localeFallback: a.localeFallback ?? null,
    body: a.body,
    response: a.response,
  });

  return {
    /** The lease owner this outbox writes. */
    owner,

    /** Several settles (with the caller's metrics) as one commit: the dispatcher settles what answered in one turn of the event loop together. */
    transaction: <A extends unknown[], R>(fn: (...args: A) => R) => c.transaction(fn),

    /**
     * Claim up to `limit` queued messages of a channel due by `now`, oldest
     * first, under a lease for this engine, and run `start` on them inside the
     * same transaction. (The dispatcher renders after the claim commits and
     * starts its sends in a transaction of their own: engine/dispatcher.ts.)
     */
    claim<T>(channel: Channel, now: number, limit: number, start: (rows: ClaimedMessage[]) => T): T {
      return c.transaction(() => {
        const rows = mayClaim() ? due.all(channel, now, limit) : [];
        if (rows.length > 0) lease.run({ owner: owner(), until: wallNow() + leaseMs, entry: historyEntry('sending', now), now, ids: JSON.stringify(rows.map((r) => r.id)) });
        return start(rows);
      })();
    },

    /** The provider accepted it: sent, or delivered at once. False if this engine no longer holds the lease (nothing written). */
    settleSent(id: number, status: 'sent' | 'delivered', a: Attempt, now: number): boolean {
      const p: Record<string, unknown> = attempt(id, a, now);
      p.sent = historyEntry('sent', now);
      if (status === 'sent') return sent.run(p).changes > 0;
      p.delivered = historyEntry('delivered', now);
      return delivered.run(p).changes > 0;
    },

    /** A failure worth another try at `at`: queued again, or held / suppressed if its journey froze meanwhile. Null if the lease is gone. */
    retry(id: number, a: Attempt, error: string, at: number, now: number) {
      return retry.get({ ...attempt(id, a, now), at, error, failed: historyEntry('failed', now, { error, retryAt: at }) }) ?? null;
    },

    /** A final failure (the provider refused it for good). */
    fail(id: number, a: Attempt, error: string, now: number): boolean {
      return fail.run({ ...attempt(id, a, now), error, entry: historyEntry('failed', now, { error }) }).changes > 0;
    },

    /** Out of retries (the horizon passed): a dead letter, for ops to re-drive or discard. */
    deadLetter(id: number, a: Attempt, error: string, why: string, now: number): boolean {
      return kill.run({ ...attempt(id, a, now), error, entry: historyEntry('dead', now, { error, reason: why }) }).changes > 0;
    },

    /** Park up to `limit` of a paused journey's queued messages (the dispatcher claims `queued` only); how many. */
    hold(journeyId: string, reason: string, now: number, limit: number): number {
      return holdJourney.run({ journeyId, reason, now, limit, entry: historyEntry('held', now, { reason }) }).changes;
    },

    /** Queue up to `limit` of them again on resume; what is overdue goes on the next tick. How many. */
    release(journeyId: string, now: number, limit: number): number {
      return releaseJourney.run({ journeyId, now, limit, entry: historyEntry('queued', now, { reason: 'journey_resumed' }) }).changes;
    },

    /**
     * Suppress up to `limit` of what a journey has queued or held
     * (not sent yet), counted under `reason`, in one transaction. Its deferred
     * messages go with the runs that deferred them (`suppressDeferred`).
     */
    suppressWaiting(journeyId: string, reason: string, now: number, limit: number): number {
      return suppressSome(journeyId, reason, now, limit);
    },

    /**
     * What a server stopped in the middle of a pause, a resume or an archive
     * left in the outbox, by journey: held messages of a live journey to
     * release, queued ones of a paused journey to hold, and an archived one's
     * queued or held to suppress.
     */
    frozenLeft(): { journeyId: string; to: 'release' | 'hold' | 'suppress' }[] {
      return frozenLeft.all().map((r) => ({ journeyId: r.journey_id, to: r.to }));
    },

    /** Suppress the deferred messages of runs that left by some other way than a step (a merge, an unsteppable run), counted under `reason`. */
    suppressDeferred(runIdsJson: string, reason: string, now: number): number {
      countDeferred.run(reason, utcDay(now), runIdsJson);
      return suppressDeferred.run(reason, historyEntry('suppressed', now, { reason }), now, runIdsJson).changes;
    },

    /**
     * Dead letters back to the queue, attempts and retry horizon reset, due
     * now; a paused journey's are held until it resumes, an archived one's
     * suppressed (and counted so). One transaction with the node counters.
     */
    redrive: c.transaction((s: DeadLetterSelection, now: number): number => {
      const p = { ...selection(s), now, day: utcDay(now) };
      uncountDead.run(p);
      countRedrivenSuppressed.run(p);
      return redrive.run({ ...selection(s), now, entry: historyEntry('queued', now, { reason: redrivenReason }) }).changes;
    }),

    /** Dead letters given up for good: failed, reason `discarded`. One transaction with the node counters. */
    discard: c.transaction((s: DeadLetterSelection, now: number): number => {
      const p = { ...selection(s), now, day: utcDay(now) };
      uncountDead.run(p);
      countDiscarded.run(p);
      return discard.run({ ...selection(s), now, entry: historyEntry('failed', now, { reason: discardedReason }) }).changes;
    }),

    /**
     * Messages whose lease expired go again under the same key (held or
     * suppressed if their journey froze meanwhile), their history saying why:
     * at start-up, in doubt after a restart; while running, a lease that ran
     * out (a settle that could not be written, a restart inside the lease).
     */
    recover: c.transaction((now: number, reason: 'in_doubt_after_restart' | 'lease_expired' = 'in_doubt_after_restart'): number => {
      const wall = wallNow();
      countRecoveredSuppressed.run({ wall, day: utcDay(now) });
      return requeueRecovered.run({ wall, now, reason }).changes;
    }),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
