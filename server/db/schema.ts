import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type { Channel } from '../../shared/journey/channels';
import { messageStatuses, type MessageStatus } from '../../shared/outbox/status';
import { runStatuses } from '../../shared/journey/runStatus';
import type { RuleSet } from '../../shared/segments/rules';
import type { ContactPolicy } from '../../shared/policy/policy';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { RoiSettings } from '../../shared/analytics/roi';

export const journeyStatuses = ['draft', 'live', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof journeyStatuses)[number];

/** A journey and its editable draft. Published versions live in `journeyVersions`. */
export const journeys = sqliteTable(
  'journeys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    status: text('status', { enum: journeyStatuses }).notNull().default('draft'),
    /** blueprint key it was created from, if any */
    blueprint: text('blueprint'),
    /** JSON of JourneyGraph; parsed with its schema when read back */
    draft: text('draft', { mode: 'json' }).$type<JourneyGraph>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    /** why the engine stopped working this journey (its segment SQL, a template, its config failed); null while healthy */
    error: text('error'),
    erroredAt: integer('errored_at'),
    /** a resume that skips what fell due, while its slices put the timers back: its moment, for a start-up to finish it (journeyLifecycle.ts) */
    resumeSkipFrom: integer('resume_skip_from'),
  },
  (t) => [index('journeys_updated_at').on(t.updatedAt)],
);

/** An immutable published version: the graph as published and its compiled machine. */
export const journeyVersions = sqliteTable(
  'journey_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    journeyId: text('journey_id')
      .notNull()
      .references(() => journeys.id),
    version: integer('version').notNull(),
    graph: text('graph', { mode: 'json' }).$type<JourneyGraph>().notNull(),
    machine: text('machine', { mode: 'json' }).$type<CompiledJourney>().notNull(),
    publishedAt: integer('published_at').notNull(),
    publishedBy: text('published_by').notNull(),
    /**
     * A segment entry's first enrolment: the schedule's next time after the
     * publish, or the publish itself when the operator chose "also enrol now".
     * Null for event entry, and for versions published before this column
     * (they enrolled at once).
     */
    enrolFrom: integer('enrol_from'),
  },
  (t) => [uniqueIndex('journey_versions_journey_version').on(t.journeyId, t.version)],
);

// ─── workspace, contacts, events ────────────────────────────────────────────

/** The single workspace: its write key for ingestion, default time zone, RNG seed and contact policy. */
export const workspace = sqliteTable('workspace', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  writeKey: text('write_key').notNull(),
  timezone: text('timezone').notNull(),
  rngSeed: integer('rng_seed').notNull(),
  policy: text('policy', { mode: 'json' }).$type<ContactPolicy>().notNull(),
  createdAt: integer('created_at').notNull(),
  /** keys tracked-link codes so nobody can mint codes for other people's messages; random, never shown ('' until first start fills it) */
  linkSecret: text('link_secret').notNull().default(''),
  /** four-eyes: publishing and template changes to live journeys become requests an approver decides */
  approvals: integer('approvals', { mode: 'boolean' }).notNull().default(true),
  /** the write key before the last rotation, accepted until `previousWriteKeyExpiresAt` */
  previousWriteKey: text('previous_write_key'),
  previousWriteKeyExpiresAt: integer('previous_write_key_expires_at'),
  /** hosts a tracked link may point at (and their subdomains); empty: only the hosts the library's templates use */
  linkHosts: text('link_hosts', { mode: 'json' })
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'`),
  /** yuan per billed unit and channel as an admin set them; a channel missing here costs the default (shared/analytics/cost.ts) */
  unitPrices: text('unit_prices', { mode: 'json' })
    .$type<Partial<Record<Channel, number>>>()
    .notNull()
    .default(sql`'{}'`),
  /** the UI language for a user who chose none and whose browser speaks none we do (zh-CN for a new workspace) */
  locale: text('locale').notNull().default('zh-CN'),
  /** average first-loan value and margin for channel ROI (shared/analytics/roi.ts); '{}' until an admin sets them */
  roi: text('roi', { mode: 'json' })
    .$type<Partial<RoiSettings>>()
    .notNull()
    .default(sql`'{}'`),
});

export const contacts = sqliteTable(
  'contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** the SDK's userId */
    externalId: text('external_id'),
    anonymousId: text('anonymous_id'),
    traits: text('traits', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    phone: text('phone'),
    email: text('email'),
    /** IANA zone; null = the workspace's */
    timezone: text('timezone'),
    /** channels this contact opted out of */
    optOuts: text('opt_outs', { mode: 'json' }).$type<Channel[]>().notNull().default([]),
    registeredAt: integer('registered_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /**
     * A system trait: since when the contact is sleeping (marketing went unanswered, server/sleeping/), or null.
     * Any event the contact does clears it, by the trigger `events_wake_sleeping` (migration 0019).
     */
    sleepingSince: integer('sleeping_since'),
  },
  (t) => [
    uniqueIndex('contacts_external_id').on(t.externalId),
    // the sleeping contacts only: the dashboard count and the Contacts filter, and the trigger's cheap no-op for everyone else
    index('contacts_sleeping')
      .on(t.sleepingSince)
      .where(sql`${t.sleepingSince} is not null`),
    uniqueIndex('contacts_anonymous_id').on(t.anonymousId),
    index('contacts_registered_at').on(t.registeredAt),
    index('contacts_phone').on(t.phone),
    // contact search finds a name by prefix through this index, like an external id or a phone
    index('contacts_name').on(sql`(${t.traits} ->> 'name')`),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: integer('contact_id').notNull(),
    /** track: the event name; page/screen: "page"/"screen" */
    name: text('name').notNull(),
    type: text('type', { enum: ['track', 'page', 'screen', 'system'] })
      .notNull()
      .default('track'),
    properties: text('properties', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    context: text('context', { mode: 'json' }).$type<Record<string, unknown>>(),
    at: integer('at').notNull(),
    messageId: text('message_id'),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('events_contact_name_at').on(t.contactId, t.name, t.at), index('events_name_at').on(t.name, t.at)],
);

/**
 * Big batches of plain tracked events, waiting for the engine to index them into
 * `events` (engine/eventInbox.ts): one row a request, its events as a JSON array.
 */
export const eventsInbox = sqliteTable('events_inbox', {
  id: integer('id').primaryKey(),
  receivedAt: integer('received_at').notNull(),
  /** how many events `body` holds */
  events: integer('events').notNull(),
  body: text('body').notNull(),
});

/** How many events `events_inbox` holds, kept by its triggers (migration 0033). */
export const eventsInboxSize = sqliteTable('events_inbox_size', {
  id: integer('id').primaryKey(),
  events: integer('events').notNull(),
});

/**
 * The inbox's batch being indexed (engine/eventInbox.ts, migration 0032): its
 * events staged in contact order (WITHOUT ROWID, keyed by contact and arrival),
 * and where the batch stands.
 */
export const eventsStaged = sqliteTable(
  'events_staged',
  {
    seq: integer('seq').notNull(),
    contactId: integer('contact_id').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    properties: text('properties').notNull(),
    context: text('context'),
    at: integer('at').notNull(),
    messageId: text('message_id'),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.seq] }),
    index('events_staged_message_id')
      .on(t.messageId, t.seq)
      .where(sql`${t.messageId} is not null`),
  ],
);

export const eventsDrain = sqliteTable('events_drain', {
  id: integer('id').primaryKey(),
  through: integer('through').notNull(),
  phase: text('phase', { enum: ['stage', 'dedupe', 'move'] }).notNull(),
  after: text('after'),
  movedThrough: integer('moved_through').notNull().default(0),
  events: integer('events').notNull(),
  oldest: integer('oldest').notNull(),
});

/** Every ingested call's messageId, so a retry of any call type is ignored. */
export const ingested = sqliteTable('ingested', {
  messageId: text('message_id').primaryKey(),
  receivedAt: integer('received_at').notNull(),
});

export const segments = sqliteTable('segments', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  rules: text('rules', { mode: 'json' }).$type<RuleSet>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

// ─── runs, outbox, ledger, metrics ─────────────────────────────────────────

/** One node a run entered: [nodeId, visit, at]. */
export type PathEntry = [nodeId: string, visit: number, at: number, viaPort: string | null];

/** One contact's place in one journey version. Written only by the run store (server/runs/), on the status table in shared/journey/runStatus.ts. */
export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    journeyId: text('journey_id').notNull(),
    versionId: integer('version_id').notNull(),
    contactId: integer('contact_id').notNull(),
    nodeId: text('node_id').notNull(),
    status: text('status', { enum: runStatuses }).notNull(),
    visit: integer('visit').notNull(),
    wakeAt: integer('wake_at'),
    /**
     * While its journey is paused, the run's timer is parked here and `wake_at`
     * is null, so the runner (which claims by `wake_at`) never sees it; resume
     * moves it back. A timer that fell due during the pause fires on the first
     * tick after resume.
     */
    heldWakeAt: integer('held_wake_at'),
    waitingFor: text('waiting_for'),
    enteredAt: integer('entered_at').notNull(),
    nodeEnteredAt: integer('node_entered_at').notNull(),
    exitReason: text('exit_reason'),
    exitedAt: integer('exited_at'),
    /** the journey's mutual-exclusion group, copied at entry so the check is one indexed lookup */
    exclusionGroup: text('exclusion_group'),
    /** how many times the contact entered this version (re-entry reuses the row) */
    entries: integer('entries').notNull().default(1),
    /**
     * Every node the run entered, in order, across re-entries: JSON array of
     * [nodeId, visit, at, viaPort] (the port it came by; null at the entry).
     * The timeline's steps, the basis of attribution, and the raw truth the
     * pre-aggregated edge and node counters reconcile with.
     * Kept in the run's own row, appended by the same UPDATE that moves the
     * run, so a step costs one row write, not one per node.
     */
    path: text('path', { mode: 'json' }).$type<PathEntry[]>().notNull().default([]),
    /** passes through each loop-limited node in this entry (shared/journey/loops.ts); null until the first, and again on re-entry */
    laps: text('laps', { mode: 'json' }).$type<Record<string, number>>(),
  },
  // Few indexes on purpose: every one is paid on each of a million enrolments and on every step.
  // One run per (contact, version), keyed contact first, so the same index answers every
  // per-contact question (re-entry, exclusion groups, event routing, the timeline): a contact
  // has only a handful of runs. Nothing indexes status, which changes on every step.
  (t) => [
    uniqueIndex('runs_contact_version').on(t.contactId, t.versionId),
    // due order: by wake time, then whoever has waited at its node longest (a deferred message is not starved by newer ones)
    index('runs_due')
      .on(t.wakeAt, t.nodeEnteredAt)
      .where(sql`${t.wakeAt} is not null`),
    index('runs_waiting_for')
      .on(t.waitingFor, t.contactId)
      .where(sql`${t.waitingFor} is not null`),
    // empty unless a journey is paused, so neither enrolment nor a step ever writes to it; resume finds its runs here
    index('runs_held')
      .on(t.journeyId)
      .where(sql`${t.heldWakeAt} is not null`),
  ],
);

/**
 * queued → sending (handed to the provider; a crash here re-sends under the same
 * idempotency key, which providers dedupe) → sent / delivered / failed / dead.
 * queued ⇄ held while the message's journey is paused (the dispatcher only
 * claims `queued`); a journey archived with messages not yet sent suppresses them.
 */
export { messageStatuses, type MessageStatus };

/** Pre-aggregated counters per (journey, version, node, metric, label, day), written in the runner's transaction. */
export const metrics = sqliteTable(
  'metrics',
  {
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    metric: text('metric').notNull(),
    /** the port for `edge`, the reason for `suppressed`/`deferred`, else '' */
    label: text('label').notNull().default(''),
    /** UTC day, YYYY-MM-DD */
    day: text('day').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.version, t.nodeId, t.metric, t.label, t.day] })],
);

/**
 * A tracked event (a goal, or a funnel step) credited to a node the contact
 * visited within the attribution window: once per contact, node and event,
 * so counting rows counts people. `goal` is the event's name.
 */
export const conversions = sqliteTable(
  'conversions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id').notNull(),
    /** the run that visited the node (its message there carries the variant); 0 only on rows older than this column */
    runId: integer('run_id').notNull().default(0),
    contactId: integer('contact_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    goal: text('goal').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [
    uniqueIndex('conversions_once').on(t.contactId, t.journeyId, t.version, t.nodeId, t.goal),
    index('conversions_journey').on(t.journeyId, t.version, t.nodeId, t.goal, t.at, t.contactId),
    // a node's funnel: its credits by run, pivoted by event from the index alone (migration 0028)
    index('conversions_node').on(t.journeyId, t.nodeId, t.runId, t.goal, t.at, t.version),
  ],
);

/**
 * How many runs are at each node of each version right now (not exited):
 * the overlay's "waiting now", kept by the run store (server/runs/) with
 * every write of runs, in its transaction (enrolment, the runner, archive,
 * merges), so it never needs a scan of a million runs.
 */
export const nodeGauges = sqliteTable(
  'node_gauges',
  {
    versionId: integer('version_id').notNull(),
    nodeId: text('node_id').notNull(),
    active: integer('active').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.nodeId] })],
);

/** When each live segment-entry version last enrolled, so the schedule knows when it is due. */
export const enrolments = sqliteTable('enrolments', {
  versionId: integer('version_id').primaryKey(),
  lastRunAt: integer('last_run_at').notNull(),
  enrolled: integer('enrolled').notNull().default(0),
});

/** What the sandbox provider "delivered": the demo's and tests' view of the outside world. */
export const sandboxDeliveries = sqliteTable(
  'sandbox_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id').notNull(),
    channel: text('channel').notNull(),
    to: text('to'),
    body: text('body'),
    outcome: text('outcome').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('sandbox_deliveries_message').on(t.messageId)],
);

/** Replies the sandbox simulated (a click, an `app_login`), due at a later time on the injected clock. */
export const scheduledEvents = sqliteTable(
  'scheduled_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: integer('contact_id').notNull(),
    name: text('name').notNull(),
    properties: text('properties', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    dueAt: integer('due_at').notNull(),
  },
  (t) => [index('scheduled_events_due').on(t.dueAt)],
);

export * from './templatesSchema';
export * from './outboxSchema';
export * from './accountsSchema';
export * from './backtestSchema';
export * from './testingSchema';
export * from './agentTasksSchema';
