import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import type { Db } from '../db/client';
import { Channel, channels } from '../../shared/journey/channels';
import { normalizePhone, phonePattern } from '../../shared/contacts/phone';
import { isTimeZone } from '../../shared/util/time';
import { cleanText, cleanTextMessage } from '../../shared/util/cleanInput';
import { serverMessageText, type ServerMessage } from '../../shared/i18n/serverMessages';
import { refuse } from '../services/errors';

/**
 * Bulk contact import from CSV (`npm run import -- contacts.csv`).
 *
 * One row per contact, a header row naming the columns. `user_id` (or
 * `userId` / `external_id`) is required; `phone`, `email`, `timezone`,
 * `registered_at` and `opt_outs` (channels separated by `;` or `|`) feed their
 * own columns; every other column becomes a trait. A row that already exists
 * (same user_id) is merged, as an identify call would: traits are patched,
 * empty cells leave what is there, opt-outs only ever add.
 *
 * Rows land in chunks, one transaction each, so a million rows never hold the
 * write lock for long and a running server keeps serving. A bad row is
 * reported with its line number and the field at fault; the good rows land.
 */

export interface BadRow {
  /** 1-based line in the file (the header is line 1) */
  line: number;
  field: string | null;
  error: string;
  /** the refusal by its stable code (shared/i18n/serverMessages.ts), for a client to word in the reader's language; `error` is its English */
  messageRef?: ServerMessage;
}

export interface ImportReport {
  /** data rows read (good and bad) */
  rows: number;
  created: number;
  updated: number;
  bad: BadRow[];
}

export interface ImportOptions {
  now: number;
  /** rows per transaction */
  chunk?: number;
  /** called after each chunk lands */
  onProgress?: (p: { bytes: number; rows: number; bad: number }) => void;
}

interface ContactRow {
  externalId: string;
  traits: Record<string, string | number | boolean>;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  registeredAt: number | null;
  optOuts: Channel[];
}

/** A row refused for one of its cells: the column at fault and why. */
export class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The error file of an import: every refused row by its line, the column at fault and why (`<file>.errors.csv`, or a download). */
export const badRowsCsv = (bad: readonly BadRow[]): string => `line,field,error\n${bad.map((b) => `${b.line},${b.field ?? ''},"${b.error.replace(/"/g, '""')}"`).join('\n')}\n`;

export interface CsvReaderOptions {
  /** checks the header row (trimmed names); throws to refuse the whole file */
  header: (names: string[]) => void;
  /** a malformed line (a wrong number of fields, a stray quote), reported as the parser meets it */
  bad: (b: BadRow) => void;
  /** the header an empty file is told to start with, e.g. `user_id,phone,name` */
  empty: string;
}

/**
 * The CSV reading every import shares: a header row (a NUL or lone surrogate
 * in a name refuses the file), a BOM skipped, empty lines skipped, malformed
 * lines reported by line number and skipped, then each record with its line,
 * in order, as a stream (a million rows never sit in memory).
 */
export function readCsvRecords(input: Readable, o: CsvReaderOptions) {
  let header: string[] | null = null;
  const parser = parse({
    columns: (names: string[]) => {
      const trimmed = names.map((h) => h.trim());
      const bad = trimmed.findIndex((h) => !cleanText(h));
      // a column name may become a trait name, which segment rules and templates read: a NUL would cut it in SQLite
      if (bad >= 0) throw refuse('BAD_REQUEST', 'csv_header_unreadable', { column: bad + 1 });
      o.header(trimmed);
      header = trimmed;
      return trimmed;
    },
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // the line number rides with each record (cheaper than `info: true`, which copies the whole info object per row)
    on_record: (record: Record<string, string>, ctx) => ({ record, line: ctx.lines }),
  });
  parser.on('skip', (err: CsvError) => {
    const lines = (err as CsvError & { lines?: number }).lines;
    o.bad({ line: typeof lines === 'number' ? lines : 0, field: null, ...malformed(err) });
  });
  return {
    /** bytes read so far (a progress bar's) */
    bytes: (): number => parser.info.bytes,
    /** Call `row` on each record in order; resolves at the end of the file, rejects on a refused header, an empty file or a read error. */
    async each(row: (record: Record<string, string>, line: number) => void): Promise<void> {
      input.pipe(parser);
      const errored = new Promise<never>((_, reject) => input.once('error', reject));
      const consume = (async () => {
        for await (const item of parser as AsyncIterable<{ record: Record<string, string>; line: number }>) row(item.record, item.line);
      })();
      await Promise.race([consume, errored]);
      if (header === null) throw refuse('BAD_REQUEST', 'csv_empty', { example: o.empty });
    },
  };
}

const quoteErrors = new Set(['CSV_INVALID_CLOSING_QUOTE', 'CSV_QUOTE_NOT_CLOSED', 'INVALID_OPENING_QUOTE', 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE']);

/** A line the parser skipped, as a bad row's error: the parser's English, and its stable code for the reader's language. */
function malformed(err: CsvError): Pick<BadRow, 'error' | 'messageRef'> {
  const detail = err.message.replace(/^Invalid Record Length: /, '');
  const counts = /(?:expect|columns length is) (\d+), got (\d+)/.exec(detail);
  const problem = counts ? 'fields' : quoteErrors.has(err.code) ? 'quote' : 'other';
  const params = { problem, expected: Number(counts?.[1] ?? 0), got: Number(counts?.[2] ?? 0), detail } as const;
  return { error: serverMessageText('csv_bad_line', params), messageRef: { code: 'csv_bad_line', params } };
}

const idColumns = new Set(['user_id', 'userid', 'external_id', 'externalid']);
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const numberPattern = /^-?(0|[1-9]\d{0,14})(\.\d+)?$/;

/** A cell as a trait value: numbers and booleans typed, so segments compare them as such; ids with leading zeros stay text. */
function traitValue(v: string): string | number | boolean {
  if (numberPattern.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true';
  return v;
}

/** An ISO date, date-time, or epoch milliseconds. */
function parseTime(v: string): number {
  const t = /^\d{12,14}$/.test(v) ? Number(v) : Date.parse(v);
  return t;
}

/** Validates one record (header → cell) and maps it onto a contact; throws RowError naming the column. */
export function contactFromRecord(record: Record<string, string>, now: number): ContactRow {
  const out: ContactRow = { externalId: '', traits: {}, phone: null, email: null, timezone: null, registeredAt: null, optOuts: [] };
  for (const [rawKey, rawValue] of Object.entries(record)) {
    const key = rawKey.trim();
    const norm = key.toLowerCase();
    const v = rawValue.trim();
    if (idColumns.has(norm)) {
      if (v.length > 200) throw new RowError(key, 'is longer than 200 characters');
      if (!cleanText(v)) throw new RowError(key, cleanTextMessage);
      out.externalId = v;
    } else if (v === '') {
      continue; // an empty cell leaves the contact's value as it is
    } else if (norm === 'phone') {
      if (!phonePattern.test(v)) throw new RowError(key, `"${v}" is not a phone number`);
      out.phone = normalizePhone(v);
      out.traits.phone = out.phone;
    } else if (norm === 'email') {
      if (!emailPattern.test(v)) throw new RowError(key, `"${v}" is not an email address`);
      out.email = v;
      out.traits.email = v;
    } else if (norm === 'timezone' || norm === 'time_zone') {
      if (!isTimeZone(v)) throw new RowError(key, `"${v}" is not an IANA time zone, e.g. Asia/Shanghai`);
      out.timezone = v;
      out.traits.timezone = v;
    } else if (norm === 'registered_at' || norm === 'created_at') {
      const t = parseTime(v);
      if (!Number.isFinite(t)) throw new RowError(key, `"${v}" is not a date (use ISO 8601, e.g. 2026-03-01 or 2026-03-01T08:30:00Z)`);
      if (t > now) throw new RowError(key, `"${v}" is in the future`);
      out.registeredAt = t;
      out.traits.registered_at = new Date(t).toISOString();
    } else if (norm === 'opt_outs' || norm === 'opted_out') {
      for (const part of v
        .split(/[;|]/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)) {
        const ch = Channel.safeParse(part);
        if (!ch.success) throw new RowError(key, `"${part}" is not a channel (${channels.join(', ')})`);
        if (!out.optOuts.includes(ch.data)) out.optOuts.push(ch.data);
      }
    } else {
      out.traits[key] = traitValue(v);
    }
  }
  if (!out.externalId) throw new RowError('user_id', 'is required');
  return out;
}

/** Stream `input` (CSV with a header row) into `contacts`. Resolves with what landed and what did not. */
export async function importContactsCsv(db: Db, input: Readable, opts: ImportOptions): Promise<ImportReport> {
  const chunk = opts.chunk ?? 5000;
  const report: ImportReport = { rows: 0, created: 0, updated: 0, bad: [] };
  const c = db.$client;
  const upsert = c.prepare(
    `insert into contacts (external_id, traits, phone, email, timezone, opt_outs, registered_at, created_at, updated_at)
     values (?, json(?), ?, ?, ?, json(?), ?, ?, ?)
     on conflict (external_id) do update set
       traits = json_patch(contacts.traits, excluded.traits),
       phone = coalesce(excluded.phone, contacts.phone),
       email = coalesce(excluded.email, contacts.email),
       timezone = coalesce(excluded.timezone, contacts.timezone),
       registered_at = coalesce(excluded.registered_at, contacts.registered_at),
       opt_outs = case when excluded.opt_outs = '[]' then contacts.opt_outs else
         (select json_group_array(value) from (select value from json_each(contacts.opt_outs) union select value from json_each(excluded.opt_outs))) end,
       updated_at = excluded.updated_at`,
  );
  const maxId = c.prepare<[], { m: number | null }>('select max(id) m from contacts');
  const countAbove = c.prepare<[number], { n: number }>('select count(*) n from contacts where id > ?');
  // inside the write transaction nobody else inserts, so "rows above the old max id" is exactly what this chunk created
  const writeChunk = c.transaction((rows: readonly ContactRow[]) => {
    const before = maxId.get()?.m ?? 0;
    for (const r of rows) upsert.run(r.externalId, JSON.stringify(r.traits), r.phone, r.email, r.timezone, JSON.stringify(r.optOuts), r.registeredAt, opts.now, opts.now);
    const created = countAbove.get(before)?.n ?? 0;
    report.created += created;
    report.updated += rows.length - created;
  });

  let pending: ContactRow[] = [];
  const reader = readCsvRecords(input, {
    header: (names) => {
      if (!names.some((h) => idColumns.has(h.toLowerCase()))) throw refuse('BAD_REQUEST', 'contacts_csv_header', { has: names.join(', ') });
    },
    bad: (b) => {
      report.rows++;
      report.bad.push(b);
    },
    empty: 'user_id,phone,name',
  });
  const flush = () => {
    if (pending.length) writeChunk(pending);
    pending = [];
    opts.onProgress?.({ bytes: reader.bytes(), rows: report.rows, bad: report.bad.length });
  };
  await reader.each((record, line) => {
    report.rows++;
    try {
      pending.push(contactFromRecord(record, opts.now));
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      report.bad.push({ line, field: e.field, error: `${e.field}: ${e.message}` });
    }
    if (pending.length >= chunk) flush();
  });
  flush();
  // the parser reports malformed lines as it meets them, ahead of the records still queued
  report.bad.sort((a, b) => a.line - b.line);
  return report;
}
