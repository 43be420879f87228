import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import { channelHealth, contacts, journeys, journeyVersions, messages, type MessageStatus } from '../db/schema';
import { kindDef } from '../../shared/journey/registry';
import type { Channel } from '../../shared/journey/channels';
import { createOutbox, type DeadLetterSelection, type Outbox } from '../outbox';
import { outboxWhere, type OutboxFilter as PageFilter } from '../outbox/filter';

/** Counted up to this many, then "more than": a total over millions of messages would scan them all. */
export const OUTBOX_TOTAL_CAP = 10_000;

export interface OutboxFilter {
  journeyId?: string | undefined;
  externalId?: string | undefined;
  status?: MessageStatus | undefined;
  limit?: number | undefined;
}

export interface DeadLetterFilter {
  channel?: Channel | undefined;
  /** one error exactly, as the groups list it (null: messages that died without one) */
  error?: string | null | undefined;
  limit?: number | undefined;
}

export interface OutboxDeps {
  /** the journey clock: a re-driven message is due now */
  now: () => number;
  /** the outbox that writes (default: one over `db`; the engine may run on a thread of its own) */
  outbox?: Outbox;
}

/**
 * The outbox as ops read it: newest first, filtered by journey, contact and
 * status. A journey's messages are read node by node, each newest first
 * through `messages_node` (journey, node, created_at), and merged: the outbox
 * keeps no index by journey alone, which every message the runner queues
 * would pay for.
 */
export function createOutboxQueries(db: Db, deps: OutboxDeps = { now: Date.now }) {
  const outbox = deps.outbox ?? createOutbox(db);
  const dead = eq(messages.status, 'dead');
  /** Every node of the journey that sends, in any of its published versions (a node removed later still has messages). */
  const sendingNodes = (journeyId: string): string[] => {
    const nodes = new Set<string>();
    for (const { machine } of db.select({ machine: journeyVersions.machine }).from(journeyVersions).where(eq(journeyVersions.journeyId, journeyId)).all())
      for (const n of Object.values(machine.nodes)) if (kindDef(n.kind).sends) nodes.add(n.id);
    return [...nodes];
  };

  const newest = (where: SQL[], limit: number) =>
    db
      .select({
        id: messages.id,
        key: sql<string>`${messages.runId} || ':' || ${messages.nodeId} || ':' || ${messages.visit}`,
        journeyId: messages.journeyId,
        version: messages.version,
        nodeId: messages.nodeId,
        externalId: contacts.externalId,
        channel: messages.channel,
        template: messages.template,
        variant: messages.variant,
        status: messages.status,
        reason: messages.reason,
        body: messages.body,
        attempts: messages.attempts,
        createdAt: messages.createdAt,
        updatedAt: messages.updatedAt,
      })
      .from(messages)
      .innerJoin(contacts, eq(contacts.id, messages.contactId))
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit)
      .all();

  const cols = `m.id, m.run_id || ':' || m.node_id || ':' || m.visit key, m.journey_id journeyId, m.version, m.node_id nodeId, c.external_id externalId, m.channel,
    m.template, m.variant, m.locale, m.status, m.reason, m.body, m.attempts, m.created_at createdAt, m.updated_at updatedAt`;
  type PageRow = ReturnType<typeof newest>[number] & { locale: string | null };
  const pageStatements = new Map<string, { rows: Database.Statement<unknown[], PageRow>; total: Database.Statement<unknown[], number> }>();
  const pageStatement = (where: string) => {
    let st = pageStatements.get(where);
    if (st === undefined) {
      st = {
        rows: db.$client.prepare<unknown[], PageRow>(`select ${cols} from messages m join contacts c on c.id = m.contact_id ${where} order by m.id desc limit ?`),
        total: db.$client.prepare<unknown[], number>(`select count(*) from (select 1 from messages m join contacts c on c.id = m.contact_id ${where} limit ${OUTBOX_TOTAL_CAP + 1})`).pluck(),
      };
      pageStatements.set(where, st);
    }
    return st;
  };

  return {
    /**
     * One page of the outbox, newest first: `size` messages queued before the
     * message `before` (the previous page's `next`), and how many match in all,
     * counted up to OUTBOX_TOTAL_CAP (`totalCapped` past it).
     */
    page(f: PageFilter, { before, size = 50 }: { before?: number | undefined; size?: number | undefined } = {}) {
      const n = Math.max(1, Math.min(500, Math.floor(size)));
      const all = outboxWhere(f);
      const paged = outboxWhere(f, before);
      const rows = pageStatement(paged.sql).rows.all(...paged.params, n + 1);
      const total = pageStatement(all.sql).total.get(...all.params) ?? 0;
      const more = rows.length > n;
      const page = more ? rows.slice(0, n) : rows;
      return { rows: page, total: Math.min(total, OUTBOX_TOTAL_CAP), totalCapped: total > OUTBOX_TOTAL_CAP, next: more ? (page[page.length - 1]?.id ?? null) : null };
    },

    list(f: OutboxFilter) {
      const limit = Math.min(f.limit ?? 200, 5000);
      const where: SQL[] = [];
      if (f.externalId) where.push(eq(contacts.externalId, f.externalId));
      if (f.status) where.push(eq(messages.status, f.status));
      if (!f.journeyId) return newest(where, limit);
      const { journeyId } = f;
      return sendingNodes(journeyId)
        .flatMap((nodeId) => newest([eq(messages.journeyId, journeyId), eq(messages.nodeId, nodeId), ...where], limit))
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
        .slice(0, limit);
    },

    /**
     * Dead letters: grouped by channel and error (most first), and the
     * newest of them, or of one group. Both read the `messages_dead` index,
     * which holds only dead messages.
     */
    deadLetters(f: DeadLetterFilter = {}) {
      const groups = db
        .select({ channel: messages.channel, error: messages.error, count: sql<number>`count(*)`, oldest: sql<number>`min(${messages.updatedAt})`, newest: sql<number>`max(${messages.updatedAt})` })
        .from(messages)
        .where(dead)
        .groupBy(messages.channel, messages.error)
        .orderBy(desc(sql`count(*)`), messages.channel, messages.error)
        .all();
      const where: SQL[] = [dead];
      if (f.channel) where.push(eq(messages.channel, f.channel));
      if (f.error !== undefined) where.push(sql`${messages.error} is ${f.error}`);
      const list = db
        .select({
          id: messages.id,
          key: sql<string>`${messages.runId} || ':' || ${messages.nodeId} || ':' || ${messages.visit}`,
          journeyId: messages.journeyId,
          journeyName: journeys.name,
          nodeId: messages.nodeId,
          externalId: contacts.externalId,
          channel: messages.channel,
          template: messages.template,
          error: messages.error,
          attempts: messages.attempts,
          firstFailedAt: messages.firstFailedAt,
          diedAt: messages.updatedAt,
        })
        .from(messages)
        .innerJoin(contacts, eq(contacts.id, messages.contactId))
        .leftJoin(journeys, eq(journeys.id, messages.journeyId))
        .where(and(...where))
        .orderBy(desc(messages.updatedAt), desc(messages.id))
        .limit(Math.min(f.limit ?? 200, 1000))
        .all();
      return { groups, messages: list };
    },

    /** Dead letters back to the queue, attempts and retry horizon reset, due now. Synchronous: it runs in the procedure's audited transaction. */
    redrive: (s: DeadLetterSelection): { redriven: number } => ({ redriven: outbox.redrive(s, deps.now()) }),

    /** Dead letters given up for good (failed, reason `discarded`). */
    discard: (s: DeadLetterSelection): { discarded: number } => ({ discarded: outbox.discard(s, deps.now()) }),

    /** Each channel's recent error rate and state as the dispatcher last recorded it (the banner shows the failing ones). */
    health() {
      return db
        .select()
        .from(channelHealth)
        .orderBy(channelHealth.channel)
        .all()
        .map((h) => ({ ...h, errorRate: h.attempts === 0 ? 0 : h.failures / h.attempts }));
    },
  };
}
