import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Role } from '../../shared/auth/roles';

// ─── accounts, sessions, four-eyes requests, the audit log ───────────────────

/** A person who signs in. The password is kept only as a scrypt hash (`scrypt$N$r$p$salt$hash`). */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    login: text('login').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles', { mode: 'json' }).$type<Role[]>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastSignInAt: integer('last_sign_in_at'),
    /** the language the user chose for the UI (zh-CN, en); null: the browser's, else the workspace's default */
    locale: text('locale'),
  },
  (t) => [uniqueIndex('users_login').on(t.login)],
);

/** A server-side session: the cookie holds a random token, this table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    /** sliding: pushed forward while the session is used, never past `createdAt` + the absolute limit */
    expiresAt: integer('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const approvalKinds = ['journey.publish', 'template.version', 'template.promote'] as const;
export type ApprovalKind = (typeof approvalKinds)[number];
export const approvalStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/**
 * A change waiting for a second pair of eyes. `payload` is what approval
 * performs; `base` is what the object looked like when asked, so a request
 * whose object changed since is stale and cannot be approved.
 */
export const approvalRequests = sqliteTable(
  'approval_requests',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: approvalKinds }).notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    objectName: text('object_name').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    base: text('base').notNull(),
    summary: text('summary').notNull(),
    requestedBy: text('requested_by')
      .notNull()
      .references(() => users.id),
    requestedAt: integer('requested_at').notNull(),
    status: text('status', { enum: approvalStatuses }).notNull().default('pending'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: integer('decided_at'),
    comment: text('comment'),
    result: text('result', { mode: 'json' }).$type<unknown>(),
  },
  (t) => [index('approval_requests_status').on(t.status, t.requestedAt), index('approval_requests_object').on(t.objectType, t.objectId)],
);

/**
 * Append-only: every mutation, written in the transaction of the change it
 * records (triggers in migration 0012 refuse UPDATE and DELETE).
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorId: text('actor_id'),
    actorLogin: text('actor_login'),
    actorName: text('actor_name'),
    /** the procedure or route, e.g. journeys.publish, auth.sign-in */
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    /** before → after, compact: { "path": [before, after] }, or the redacted input where there is no before */
    diff: text('diff', { mode: 'json' }).$type<unknown>(),
    requestId: text('request_id'),
    ip: text('ip'),
  },
  (t) => [index('audit_events_at').on(t.at), index('audit_events_actor').on(t.actorLogin, t.at), index('audit_events_object').on(t.objectType, t.objectId, t.at)],
);
