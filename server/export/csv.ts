import Database from 'better-sqlite3';

const needsQuotes = /[",\r\n]/;
/** One CSV field (RFC 4180): quoted only when it holds a comma, a quote or a line break. */
export const field = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return needsQuotes.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export interface PreparedExport {
  /** the rows the export will hold (the same read snapshot as the rows) */
  total: number;
  /** the header line, ending in CRLF */
  header: string;
  /** the CSV lines, `batch` rows to a string, read from the database as they are asked for */
  chunks: (batch?: number) => Generator<string, void, undefined>;
  /** ends the read and closes its connection (also when the reader left half way) */
  close: () => void;
  /** what the audit log records */
  describe: { source: string; objectId: string; columns: string[]; rows: number; phonesMasked: boolean };
}

/**
 * A CSV export read inside one snapshot on a read-only connection of its own
 * (the count and the rows agree, and the API's connection keeps writing while
 * it streams): the count first, then the rows as they are asked for, `batch`
 * at a time, each cell written by `cell(value, column)`. The connection closes
 * when the rows end, when the reader leaves half way, or when this throws.
 */
export function snapshotCsv(
  path: string,
  q: { count: { sql: string; params: unknown[] }; rows: { sql: string; params: unknown[] }; columns: readonly string[]; cell: (v: unknown, k: number) => string },
  describe: (total: number) => PreparedExport['describe'],
): PreparedExport {
  const conn = new Database(path, { readonly: true, fileMustExist: true });
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    if (conn.inTransaction) conn.exec('ROLLBACK');
    conn.close();
  };
  try {
    conn.exec('BEGIN'); // one snapshot for the count and the rows
    const total = conn
      .prepare(q.count.sql)
      .pluck()
      .get(...q.count.params) as number;
    const stmt = conn.prepare(q.rows.sql).raw(true);
    return {
      total,
      header: `${q.columns.map(field).join(',')}\r\n`,
      *chunks(batch = 1000) {
        let out = '';
        let n = 0;
        try {
          for (const row of stmt.iterate(...q.rows.params) as IterableIterator<unknown[]>) {
            let line = '';
            for (let k = 0; k < row.length; k++) line += (k === 0 ? '' : ',') + q.cell(row[k], k);
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
      describe: describe(total),
    };
  } catch (e) {
    close();
    throw e;
  }
}
