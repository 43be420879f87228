import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import type { Channel, MessageCategory } from '../../shared/journey/channels';

// ─── templates, tracked links, clicks ───────────────────────────────────────

/** One variant of a stored template version: its weight and its copy, part by part. */
export interface StoredVariant {
  key: string;
  name: string;
  weight: number;
  /** part (body, title, script, subject, html, json) → Handlebars source, in the version's `locale` */
  parts: Record<string, string>;
  /** the same parts in the template's other languages: locale → part → source (absent: the default copy only) */
  locales?: Partial<Record<string, Record<string, string>>>;
}

/** A message template. Its content lives in immutable versions; `currentVersion` is what sends use. */
export const templates = sqliteTable('templates', {
  key: text('key').primaryKey(),
  channel: text('channel').$type<Channel>().notNull(),
  currentVersion: integer('current_version').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

/** An immutable template version: never updated, so a message can always say what it rendered. */
export const templateVersions = sqliteTable(
  'template_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    templateKey: text('template_key').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    category: text('category').$type<MessageCategory>().notNull(),
    locale: text('locale').notNull(),
    variables: text('variables', { mode: 'json' }).$type<string[]>().notNull(),
    variants: text('variants', { mode: 'json' }).$type<StoredVariant[]>().notNull(),
    /** why this version exists: "imported from the library", "promoted variant b", … */
    note: text('note').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('template_versions_key_version').on(t.templateKey, t.version)],
);

/** A tracked short link in a sent message: `/l/<code>` redirects to `url` (UTM-tagged). */
export const links = sqliteTable(
  'links',
  {
    code: text('code').primaryKey(),
    messageId: integer('message_id').notNull(),
    url: text('url').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('links_message').on(t.messageId)],
);

/** Every click on a tracked link; `first` marks the message's first click, which is what "unique clicks" count. */
export const clicks = sqliteTable(
  'clicks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    messageId: integer('message_id').notNull(),
    contactId: integer('contact_id').notNull(),
    at: integer('at').notNull(),
    first: integer('first', { mode: 'boolean' }).notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('clicks_message').on(t.messageId),
    uniqueIndex('clicks_first')
      .on(t.messageId)
      .where(sql`${t.first} = 1`),
  ],
);
