import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts, messages, type MessageStatus } from '../db/schema';

export interface OutboxFilter {
  journeyId?: string | undefined;
  externalId?: string | undefined;
  status?: MessageStatus | undefined;
  limit?: number | undefined;
}

/** The outbox as ops read it: newest first, filtered by journey, contact and status. */
export function createOutboxQueries(db: Db) {
  return {
    list(f: OutboxFilter) {
      const where: SQL[] = [];
      if (f.journeyId) where.push(eq(messages.journeyId, f.journeyId));
      if (f.externalId) where.push(eq(contacts.externalId, f.externalId));
      if (f.status) where.push(eq(messages.status, f.status));
      return db
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
        .limit(Math.min(f.limit ?? 200, 5000))
        .all();
    },
  };
}
