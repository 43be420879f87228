import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type { Channel, MessageCategory } from '../../shared/journey/channels';
import type { RuleSet } from '../../shared/segments/rules';
import type { ContactPolicy } from '../../shared/policy/policy';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { CompiledJourney } from '../../shared/journey/machine';

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
  },
  (t) => [
    uniqueIndex('contacts_external_id').on(t.externalId),
    uniqueIndex('contacts_anonymous_id').on(t.anonymousId),
    index('contacts_registered_at').on(t.registeredAt),
    index('contacts_phone').on(t.phone),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: integer('contact_id').notNull(),
    /** track: the event name; page/screen: "page"/"screen" */
    name: text('name').notNull(),
    type: text('type', { enum: ['track', 'page', 'screen', 'system'] }).notNull().default('track'),
    properties: text('properties', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    context: text('context', { mode: 'json' }).$type<Record<string, unknown>>(),
    at: integer('at').notNull(),
    messageId: text('message_id'),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('events_contact_name_at').on(t.contactId, t.name, t.at), index('events_name_at').on(t.name, t.at)],
);

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

export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    journeyId: text('journey_id').notNull(),
    versionId: integer('version_id').notNull(),
    contactId: integer('contact_id').notNull(),
    nodeId: text('node_id').notNull(),
    status: text('status', { enum: ['active', 'waiting', 'exited'] }).notNull(),
    visit: integer('visit').notNull(),
    wakeAt: integer('wake_at'),
    waitingFor: text('waiting_for'),
    enteredAt: integer('entered_at').notNull(),
    nodeEnteredAt: integer('node_entered_at').notNull(),
    exitReason: text('exit_reason'),
    exitedAt: integer('exited_at'),
    /** the journey's mutual-exclusion group, copied at entry so the check is one indexed lookup */
    exclusionGroup: text('exclusion_group'),
    /** how many times the contact entered this version (re-entry reuses the row) */
    entries: integer('entries').notNull().default(1),
  },
  (t) => [
    uniqueIndex('runs_version_contact').on(t.versionId, t.contactId),
    index('runs_due').on(t.wakeAt).where(sql`${t.wakeAt} is not null`),
    index('runs_waiting_for').on(t.waitingFor, t.contactId).where(sql`${t.waitingFor} is not null`),
    index('runs_contact_status').on(t.contactId, t.status),
    index('runs_journey_contact').on(t.journeyId, t.contactId),
    index('runs_exclusion').on(t.exclusionGroup, t.contactId).where(sql`${t.exclusionGroup} is not null`),
  ],
);

/**
 * queued → sending (handed to the provider; a crash here re-sends under the same
 * idempotency key, which providers dedupe) → sent / delivered / failed / dead.
 */
export const messageStatuses = ['deferred', 'suppressed', 'queued', 'sending', 'sent', 'delivered', 'failed', 'dead'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** The outbox: one row per (run, node, visit), so a message is never sent twice. */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** `${runId}:${nodeId}:${visit}` */
    key: text('key').notNull(),
    runId: integer('run_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    contactId: integer('contact_id').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    template: text('template').notNull(),
    category: text('category').$type<MessageCategory>().notNull(),
    status: text('status', { enum: messageStatuses }).notNull(),
    /** why it was deferred or suppressed, as a reason code */
    reason: text('reason'),
    variant: text('variant'),
    body: text('body'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    response: text('response', { mode: 'json' }).$type<unknown>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('messages_key').on(t.key),
    index('messages_queue').on(t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    index('messages_contact').on(t.contactId, t.createdAt),
    index('messages_journey_status').on(t.journeyId, t.status),
  ],
);

/** Status history and policy decisions of a message, in order. */
export const messageEvents = sqliteTable(
  'message_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id').notNull(),
    status: text('status').notNull(),
    at: integer('at').notNull(),
    detail: text('detail'),
  },
  (t) => [index('message_events_message').on(t.messageId, t.id)],
);

/** Every queued message per contact and channel: the ledger the caps count across journeys. */
export const contactSends = sqliteTable(
  'contact_sends',
  {
    contactId: integer('contact_id').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('contact_sends_contact_at').on(t.contactId, t.at)],
);

/** Every node a run visited: the timeline's steps and the basis of attribution. */
export const runSteps = sqliteTable(
  'run_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').notNull(),
    contactId: integer('contact_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    visit: integer('visit').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('run_steps_contact_at').on(t.contactId, t.at), index('run_steps_run').on(t.runId, t.visit)],
);

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

/** A goal event credited to a node the contact visited within the attribution window. */
export const conversions = sqliteTable(
  'conversions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id').notNull(),
    contactId: integer('contact_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    goal: text('goal').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('conversions_event_node').on(t.eventId, t.journeyId, t.version, t.nodeId), index('conversions_journey').on(t.journeyId, t.version, t.nodeId)],
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
