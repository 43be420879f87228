import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import type { Channel, MessageCategory } from '../../shared/journey/channels';
import { messageStatuses } from '../../shared/outbox/status';

// ─── the outbox, its owner engine, channel health (written only through server/outbox/) ──────────

/** One entry of a message's status history: what happened, when, and why (a policy reason, an error, a retry time). */
export interface MessageHistoryEntry {
  status: string;
  at: number;
  detail?: { reason?: string; until?: number | null; error?: string; retryAt?: number };
}

/**
 * The outbox: one row per (run, node, visit), so a message is never sent twice.
 * Its status history lives in the row (appended with json_insert), and its
 * `queued_at` is the cap ledger: caps count the messages a contact was queued,
 * across every journey. A contact's messages are found through its runs
 * (runs_contact_version, then the key's run_id prefix): an index keyed by contact
 * would dirty a random page for every message a runner batch writes.
 */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** (run, node, visit) is the idempotency key, unique; providers see it as `${runId}:${nodeId}:${visit}` */
    runId: integer('run_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    visit: integer('visit').notNull(),
    contactId: integer('contact_id').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    template: text('template').notNull(),
    category: text('category').$type<MessageCategory>().notNull(),
    status: text('status', { enum: messageStatuses }).notNull(),
    /** why it was deferred or suppressed, as a reason code */
    reason: text('reason'),
    variant: text('variant'),
    /** the template version rendered (its number), fixed when the message is first sent */
    templateVersion: integer('template_version'),
    /** the language of the copy rendered: the contact's, or the template's own when it lacked the contact's */
    locale: text('locale'),
    /** the language the contact asked for when the template had no copy in it (the default copy went instead) */
    localeFallback: text('locale_fallback'),
    body: text('body'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    /** the engine holding it while `sending` (host:pid:random, see server/outbox/ownership.ts) and until when (wall-clock ms): only an expired lease is re-queued */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    /** the provider's last error (a retry, a dead letter, a failure): what the Dead letters page groups by */
    error: text('error'),
    /** when its first attempt failed: the retry horizon counts from here (a re-drive starts it again) */
    firstFailedAt: integer('first_failed_at'),
    /** its first click on a tracked link (the earliest, whatever order they were recorded in): the funnel's clicked step */
    clickedAt: integer('clicked_at'),
    /** when the policy let it through (null while deferred or when suppressed): the cap ledger */
    queuedAt: integer('queued_at'),
    history: text('history', { mode: 'json' }).$type<MessageHistoryEntry[]>().notNull().default([]),
    response: text('response', { mode: 'json' }).$type<unknown>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('messages_key').on(t.runId, t.nodeId, t.visit),
    index('messages_queue')
      .on(t.channel, t.nextAttemptAt)
      .where(sql`${t.status} = 'queued'`),
    // a node's recent recipients (the funnel's sample), a journey's outbox read node by node, a journey's messages
    // (pause, archive) by its prefix; no index by journey alone: one B-tree fewer for every message queued
    index('messages_node').on(t.journeyId, t.nodeId, t.createdAt),
    // variant stats from the index alone; only a rendered (sent) message has a variant, so the runner never writes it
    index('messages_template')
      .on(t.template, t.templateVersion, t.variant, t.status)
      .where(sql`${t.variant} is not null`),
    // a paused journey's held messages, for its resume; empty unless a journey is paused (migration 0026)
    index('messages_held')
      .on(t.journeyId)
      .where(sql`${t.status} = 'held'`),
    // a node's funnel: its clicked messages alone, with all it reads of them; written only by a first click (migration 0028)
    index('messages_clicked')
      .on(t.journeyId, t.nodeId, t.createdAt, t.clickedAt, t.runId, t.version, t.status)
      .where(sql`${t.clickedAt} is not null`),
    // the messages out with a provider, by lease expiry: the running engine's recovery of expired leases (migration 0029)
    index('messages_sending')
      .on(t.leaseExpiresAt)
      .where(sql`${t.status} = 'sending'`),
    // the Dead letters page by channel and error; written only when a message dies
    index('messages_dead')
      .on(t.channel, t.error, t.updatedAt)
      .where(sql`${t.status} = 'dead'`),
  ],
);

/**
 * The one engine that owns this database file (one row): a second server on
 * the same file refuses to start while the owner's process lives (on this
 * machine) or its heartbeat is fresh (on another); server/outbox/ownership.ts.
 */
export const engineOwner = sqliteTable('engine_owner', {
  id: integer('id').primaryKey(),
  /** host:pid:random, the id its message leases carry */
  owner: text('owner').notNull(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: integer('started_at').notNull(),
  /** wall-clock ms of its last heartbeat */
  heartbeatAt: integer('heartbeat_at').notNull(),
  /** its process's start in clock ticks since boot (/proc), which tells it from a later process given the same pid; null where unknown (migration 0030) */
  processStart: integer('process_start'),
});

export const channelHealthStates = ['healthy', 'failing'] as const;
export type ChannelHealthState = (typeof channelHealthStates)[number];

/** Each channel's recent error rate as the dispatcher last saw it, and whether that makes it failing (the banner reads this). */
export const channelHealth = sqliteTable('channel_health', {
  channel: text('channel').$type<Channel>().primaryKey(),
  state: text('state', { enum: channelHealthStates }).notNull(),
  /** provider answers and failures in the window ending at `updated_at` */
  attempts: integer('attempts').notNull(),
  failures: integer('failures').notNull(),
  lastError: text('last_error'),
  /** since when it is in this state */
  since: integer('since').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
