import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Channel } from '../../shared/journey/channels';

// ─── test sends: the team's own phones and inboxes, and what was sent to them (server/testSends/) ──────────

/**
 * The workspace's test contacts: team members a "Send test" may address. A
 * test message goes to one of these and nobody else, so a phone or an email
 * on this list is the only address a test can reach.
 */
export const testContacts = sqliteTable(
  'test_contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** normalised like contacts' phones (shared/contacts/phone.ts) */
    phone: text('phone'),
    email: text('email'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('test_contacts_phone').on(t.phone), uniqueIndex('test_contacts_email').on(t.email)],
);

/** `sending` while the provider has it (a crash leaves it so: it may have gone out) */
export const testSendStatuses = ['sending', 'sent', 'delivered', 'failed'] as const;
export type TestSendStatus = (typeof testSendStatuses)[number];

/**
 * One test message: a send node's template variant rendered with a real
 * contact's traits and handed to the channel's provider, addressed to a test
 * contact. Kept apart from `messages` on purpose: the outbox is the cap
 * ledger and every count (analytics, funnels, variant results, metrics)
 * reads it, and a test must count in none of them.
 */
export const testSends = sqliteTable(
  'test_sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    template: text('template').notNull(),
    templateVersion: integer('template_version').notNull(),
    variant: text('variant').notNull(),
    /** the real contact whose traits filled the copy (never an address of the message) */
    contactId: integer('contact_id').notNull(),
    contactExternalId: text('contact_external_id'),
    testContactId: integer('test_contact_id').notNull(),
    /** the address the provider was given: the test contact's phone or email, as it was then */
    to: text('to').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: testSendStatuses }).notNull(),
    error: text('error'),
    response: text('response', { mode: 'json' }).$type<unknown>(),
    provider: text('provider').notNull(),
    sentBy: text('sent_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('test_sends_created').on(t.createdAt), index('test_sends_journey').on(t.journeyId, t.createdAt)],
);
