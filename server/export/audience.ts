import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { contacts, journeys, runs, segments } from '../db/schema';
import { ruleSetSql } from '../segments/ruleSql';
import { RuleSet } from '../../shared/segments/rules';
import { maskPhone } from '../../shared/auth/roles';
import { notFound } from '../services/errors';
import { field, snapshotCsv, type PreparedExport } from './csv';

import { contactColumns, traitColumnPattern, type ContactColumn } from '../../shared/export/columns';

export const ExportColumn = z.union([
  z.enum(contactColumns),
  z.string().regex(traitColumnPattern, `a column is one of ${contactColumns.join(', ')}, or trait:<key> (letters, digits, "_", "." and "-")`),
]);

/** What to export: a segment's members now, or the contacts at a journey's node (any version), or only those waiting there. */
export const ExportRequest = z.object({
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('segment'), segment: z.string().min(1, 'segment: name a segment key') }),
    z.object({ kind: z.literal('node'), journeyId: z.string().min(1, 'journeyId is required'), nodeId: z.string().min(1, 'nodeId is required'), waitingOnly: z.boolean().default(false) }),
  ]),
  columns: z
    .array(ExportColumn)
    .min(1, 'columns: pick at least one column')
    .max(50, 'columns: at most 50')
    .refine((c) => new Set(c).size === c.length, { error: 'columns: a column is listed twice' }),
});
export type ExportRequest = z.infer<typeof ExportRequest>;

const timeColumns = new Set<string>(['registered_at', 'created_at', 'sleeping_since']);

function columnSql(c: string): SQL {
  if (c.startsWith('trait:')) return sql`${contacts.traits} ->> ${c.slice('trait:'.length)}`;
  const known: Record<ContactColumn, SQL> = {
    external_id: sql`${contacts.externalId}`,
    anonymous_id: sql`${contacts.anonymousId}`,
    name: sql`${contacts.traits} ->> 'name'`,
    phone: sql`${contacts.phone}`,
    email: sql`${contacts.email}`,
    timezone: sql`${contacts.timezone}`,
    registered_at: sql`${contacts.registeredAt}`,
    created_at: sql`${contacts.createdAt}`,
    sleeping_since: sql`${contacts.sleepingSince}`,
    opt_outs: sql`${contacts.optOuts}`,
  };
  return known[c as ContactColumn];
}

/** An email as a reader without PII rights sees it: the first letter and the domain. */
const maskEmail = (e: string): string => {
  const at = e.indexOf('@');
  return at <= 0 ? '***' : `${e[0] ?? ''}***${e.slice(at)}`;
};

/**
 * Exports an audience as CSV without holding it in memory: the rows are read
 * by iterating a statement on a read-only connection of its own (a connection
 * iterating cannot write, and the API's must), in one read snapshot shared
 * with the count, so the progress total is exact.
 */
export function createAudienceExport(db: Db, now: () => number) {
  function whereOf(source: ExportRequest['source']): { where: SQL; objectId: string } {
    if (source.kind === 'segment') {
      const seg = db.select().from(segments).where(eq(segments.key, source.segment)).get();
      if (!seg) throw notFound('segment', source.segment);
      return { where: ruleSetSql(RuleSet.parse(seg.rules), now()), objectId: source.segment };
    }
    const j = db.select({ id: journeys.id }).from(journeys).where(eq(journeys.id, source.journeyId)).get();
    if (!j) throw notFound('journey', source.journeyId);
    const at = and(eq(runs.journeyId, source.journeyId), eq(runs.nodeId, source.nodeId), source.waitingOnly ? eq(runs.status, 'waiting') : ne(runs.status, 'exited'));
    return { where: inArray(contacts.id, db.select({ id: runs.contactId }).from(runs).where(at)), objectId: `${source.journeyId}/${source.nodeId}` };
  }

  return {
    prepare(input: ExportRequest, { pii }: { pii: boolean }): PreparedExport {
      const { source, columns } = input;
      const { where, objectId } = whereOf(source);
      const select = Object.fromEntries(columns.map((c, i) => [`c${i}`, columnSql(c)]));
      const rows = db.select(select).from(contacts).where(where).orderBy(asc(contacts.id)).toSQL();
      const count = db
        .select({ n: sql<number>`count(*)` })
        .from(contacts)
        .where(where)
        .toSQL();

      const shape = columns.map((c): 'phone' | 'email' | 'time' | 'plain' => (c === 'phone' && !pii ? 'phone' : c === 'email' && !pii ? 'email' : timeColumns.has(c) ? 'time' : 'plain'));
      const cell = (v: unknown, k: number): string => {
        const kind = shape[k];
        if (kind === 'phone') return field(maskPhone(v as string | null));
        if (kind === 'email') return field(typeof v === 'string' ? maskEmail(v) : v);
        if (kind === 'time') return typeof v === 'number' ? new Date(v).toISOString() : '';
        return field(v);
      };
      return snapshotCsv(db.$client.name, { count, rows, columns, cell }, (total) => ({ source: source.kind, objectId, columns, rows: total, phonesMasked: !pii }));
    },
  };
}

export type AudienceExport = ReturnType<typeof createAudienceExport>;
