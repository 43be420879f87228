import Database from 'better-sqlite3';
import type { Db } from '../db/client';
import { outboxWhere, type OutboxFilter } from '../outbox/filter';
import { field, type PreparedExport } from './audience';

const columns = ['id', 'queued_at', 'journey_id', 'version', 'node_id', 'user_id', 'channel', 'template', 'variant', 'locale', 'status', 'reason', 'attempts', 'body'] as const;
const select = `m.id, m.created_at, m.journey_id, m.version, m.node_id, c.external_id, m.channel, m.template, m.variant, m.locale, m.status, m.reason, m.attempts, m.body`;

/**
 * The outbox rows the page shows for a filter, as CSV, newest first, read on
 * a connection of its own inside one snapshot (the count and the rows agree)
 * and streamed `batch` rows at a time. Times are ISO 8601 in UTC.
 */
export function createOutboxExport(db: Db) {
  return {
    prepare(filter: OutboxFilter): PreparedExport {
      const where = outboxWhere(filter);
      const conn = new Database(db.$client.name, { readonly: true, fileMustExist: true });
      let open = true;
      const close = () => {
        if (!open) return;
        open = false;
        if (conn.inTransaction) conn.exec('ROLLBACK');
        conn.close();
      };
      try {
        conn.exec('BEGIN');
        const from = `from messages m join contacts c on c.id = m.contact_id ${where.sql}`;
        const total = conn
          .prepare<unknown[], number>(`select count(*) ${from}`)
          .pluck()
          .get(...where.params) as number;
        const rows = conn.prepare(`select ${select} ${from} order by m.id desc`).raw(true);
        return {
          total,
          header: `${columns.join(',')}\r\n`,
          *chunks(batch = 1000) {
            let out = '';
            let n = 0;
            try {
              for (const row of rows.iterate(...where.params) as IterableIterator<unknown[]>) {
                let line = '';
                for (let k = 0; k < row.length; k++) line += (k === 0 ? '' : ',') + (k === 1 && typeof row[k] === 'number' ? new Date(row[k] as number).toISOString() : field(row[k]));
                out += `${line}\r\n`;
                if (++n === batch) {
                  yield out;
                  out = '';
                  n = 0;
                }
              }
              if (out) yield out;
            } finally {
              close();
            }
          },
          close,
          describe: { source: 'outbox', objectId: filter.journeyId ?? 'all', columns: [...columns], rows: total, phonesMasked: false },
        };
      } catch (e) {
        close();
        throw e;
      }
    },
  };
}
