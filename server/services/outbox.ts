import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts, journeyVersions, messages, type MessageStatus } from '../db/schema';
import { kindDef } from '../../shared/journey/registry';

export interface OutboxFilter {
  journeyId?: string | undefined;
  externalId?: string | undefined;
  status?: MessageStatus | undefined;
  limit?: number | undefined;
}

/**
 * The outbox as ops read it: newest first, filtered by journey, contact and
 * status. A journey's messages are read node by node, each newest first
 * through `messages_node` (journey, node, created_at), and merged: the outbox
 * keeps no index by journey alone, which every message the runner queues
 * would pay for.
 */
export function createOutboxQueries(db: Db) {
  /** Every node of the journey that sends, in any of its published versions (a node removed later still has messages). */
  const sendingNodes = (journeyId: string): string[] => {
    const nodes = new Set<string>();
    for (const { machine } of db.select({ machine: journeyVersions.machine }).from(journeyVersions).where(eq(journeyVersions.journeyId, journeyId)).all())
      for (const n of Object.values(machine.nodes))
        if (kindDef(n.kind).sends) nodes.add(n.id);
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

  return {
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
  };
}
