import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { CallOutcome, TaskStatus } from '../../shared/agentTasks/outcomes';

// ─── the call centre: tasks for human agents and the agents' teams and capacity (written only through server/agentTasks/) ──────────

/**
 * One call for an agent to make: what an `agent_call` message becomes when
 * the dispatcher sends it (the message is `sent` once its task is queued). At
 * most one task per message, ever: a re-send after a crash finds the task there.
 */
export const agentTasks = sqliteTable(
  'agent_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id').notNull(),
    contactId: integer('contact_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    nodeId: text('node_id').notNull(),
    /** the queue it waits in: the contact's `call_team` trait, else `default` */
    team: text('team').notNull(),
    /** higher first: the approved amount, fading with the days since approval (shared/agentTasks/priority.ts) */
    priority: real('priority').notNull(),
    /** the rendered call script */
    script: text('script'),
    status: text('status').$type<TaskStatus>().notNull(),
    /** when it may be called: queued within calling hours (the contact policy deferred the message until then) */
    dueAt: integer('due_at').notNull(),
    claimedBy: text('claimed_by'),
    claimedAt: integer('claimed_at'),
    /** the workspace-zone day of the claim: what an agent's daily capacity counts */
    claimedDay: text('claimed_day'),
    outcome: text('outcome').$type<CallOutcome>(),
    note: text('note'),
    closedAt: integer('closed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('agent_tasks_message').on(t.messageId), index('agent_tasks_queue').on(t.team, t.status, t.priority, t.dueAt), index('agent_tasks_agent_day').on(t.claimedBy, t.claimedDay)],
);

/** A user with the agent role: which team's queue they work and how many tasks a day they can take. */
export const agents = sqliteTable('agents', {
  userId: text('user_id').primaryKey(),
  team: text('team').notNull().default('default'),
  dailyCapacity: integer('daily_capacity').notNull().default(40),
});
