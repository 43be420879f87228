import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { acquireWrite } from '../db/writeGate';
import { auditEvents } from '../db/schema';

export interface AuditActor {
  id: string;
  login: string;
  displayName: string;
}

export interface AuditEntry {
  actor: AuditActor | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  diff: unknown;
  requestId: string | null;
  ip: string | null;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** rows with a smaller id than this (the `next` of the page before) */
  before?: number | undefined;
  limit?: number | undefined;
}

/**
 * The append-only audit log. `inTransaction` runs a change and writes its row
 * in one SQLite transaction, so a change that fails leaves no row and a row
 * never describes a change that did not happen.
 */
export function createAuditLog(db: Db, wallNow: () => number = Date.now, hooks: { onCommit?: () => void; onRollback?: () => void } = {}) {
  const c = db.$client;
  // one change at a time: tRPC runs the calls of a batch concurrently, and SQLite has one write transaction per connection
  let queue: Promise<unknown> = Promise.resolve();
  /** what the change under way left for after its commit (`afterCommit`); null outside a change */
  let afterThis: (() => Promise<void>)[] | null = null;

  const log = {
    record(e: AuditEntry): void {
      db.insert(auditEvents)
        .values({
          at: wallNow(),
          actorId: e.actor?.id ?? null,
          actorLogin: e.actor?.login ?? null,
          actorName: e.actor?.displayName ?? null,
          action: e.action,
          objectType: e.objectType,
          objectId: e.objectId,
          diff: e.diff ?? null,
          requestId: e.requestId,
          ip: e.ip,
        })
        .run();
    },

    /**
     * Run `change` inside BEGIN IMMEDIATE … COMMIT and, when it succeeds, write
     * the entry `describe` makes of its result before the commit. `change` must
     * do only synchronous work (every service does): between BEGIN and COMMIT
     * only microtasks run, so no engine tick or other request can land inside.
     */
    async inTransaction<T>(change: () => Promise<T>, describe: (result: T) => AuditEntry | null): Promise<T> {
      const mine = queue.then(async () => {
        // the write lock first, awaited: the event loop serves reads while the engine thread finishes its batch
        const leave = await acquireWrite(c);
        try {
          c.exec('BEGIN IMMEDIATE');
        } catch (e) {
          leave();
          throw e;
        }
        const later: (() => Promise<void>)[] = [];
        afterThis = later;
        let result: T;
        try {
          result = await change();
          const entry = describe(result);
          if (entry) log.record(entry);
          c.exec('COMMIT');
          leave();
          hooks.onCommit?.();
        } catch (e) {
          if (c.inTransaction) c.exec('ROLLBACK');
          leave();
          // caches the change wrote through (the workspace settings) forget it with the database
          hooks.onRollback?.();
          throw e;
        } finally {
          afterThis = null;
        }
        // committed: the work it left goes now, before the caller hears back (and before the next change starts)
        for (const task of later) await task();
        return result;
      });
      queue = mine.catch(() => undefined);
      return mine;
    },

    /**
     * Work a change leaves for after its commit, in transactions of its own
     * (a pause's timers, parked a slice at a time): run once the change has
     * committed, and awaited before its caller hears back; dropped if it rolls
     * back. Outside a change it starts at once.
     */
    afterCommit(task: () => Promise<void>): Promise<void> {
      if (afterThis === null) return task();
      afterThis.push(task);
      return Promise.resolve();
    },

    list(f: AuditFilter) {
      const where: SQL[] = [];
      if (f.actor) where.push(eq(auditEvents.actorLogin, f.actor));
      if (f.action) where.push(eq(auditEvents.action, f.action));
      if (f.objectType) where.push(eq(auditEvents.objectType, f.objectType));
      if (f.objectId) where.push(eq(auditEvents.objectId, f.objectId));
      if (f.from !== undefined) where.push(gte(auditEvents.at, f.from));
      if (f.to !== undefined) where.push(lte(auditEvents.at, f.to));
      if (f.before !== undefined) where.push(lt(auditEvents.id, f.before));
      const limit = f.limit ?? 100;
      const rows = db
        .select()
        .from(auditEvents)
        .where(and(...where))
        .orderBy(desc(auditEvents.id))
        .limit(limit + 1)
        .all();
      const page = rows.slice(0, limit).map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actorId ? { id: r.actorId, login: r.actorLogin ?? '', displayName: r.actorName ?? '' } : null,
        action: r.action,
        objectType: r.objectType,
        objectId: r.objectId,
        diff: r.diff,
        requestId: r.requestId,
        ip: r.ip,
      }));
      return { rows: page, next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
    },

    /** What the Audit page's filters offer. */
    facets() {
      return {
        actions: c.prepare('select distinct action from audit_events order by action').pluck().all() as string[],
        objectTypes: c.prepare('select distinct object_type from audit_events where object_type is not null order by object_type').pluck().all() as string[],
        actors: c.prepare('select actor_login as login, max(actor_name) as displayName from audit_events where actor_login is not null group by actor_login order by actor_login').all() as {
          login: string;
          displayName: string;
        }[],
      };
    },
  };
  return log;
}

export type AuditLog = ReturnType<typeof createAuditLog>;
