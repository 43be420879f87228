import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
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

