import type { Db } from '../db/client';
import { outboxWhere, type OutboxFilter } from '../outbox/filter';
import { field, snapshotCsv, type PreparedExport } from './csv';

const columns = ['id', 'queued_at', 'journey_id', 'version', 'node_id', 'user_id', 'channel', 'template', 'variant', 'locale', 'status', 'reason', 'attempts', 'body'];
const select = `m.id, m.created_at, m.journey_id, m.version, m.node_id, c.external_id, m.channel, m.template, m.variant, m.locale, m.status, m.reason, m.attempts, m.body`;

/**
 * The outbox rows the page shows for a filter, as CSV, newest first, read
 * inside one snapshot (csv.ts) and streamed. Times are ISO 8601 in UTC.
 */
export function createOutboxExport(db: Db) {
  return {
    prepare(filter: OutboxFilter): PreparedExport {
      const where = outboxWhere(filter);
      const from = `from messages m join contacts c on c.id = m.contact_id ${where.sql}`;
      const cell = (v: unknown, k: number): string => (k === 1 && typeof v === 'number' ? new Date(v).toISOString() : field(v));
      return snapshotCsv(
        db.$client.name,
        { count: { sql: `select count(*) ${from}`, params: where.params }, rows: { sql: `select ${select} ${from} order by m.id desc`, params: where.params }, columns, cell },
        (total) => ({ source: 'outbox', objectId: filter.journeyId ?? 'all', columns, rows: total, phonesMasked: false }),
      );
    },
  };
}
