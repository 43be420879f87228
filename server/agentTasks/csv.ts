import type { Readable } from 'node:stream';
import type { Db } from '../db/client';
import { field, snapshotCsv, type PreparedExport } from '../export/csv';
import { RowError, readCsvRecords, type BadRow } from '../ingest/csvImport';
import { refuse } from '../services/errors';
import { CallOutcome, callOutcomes, noteMax } from '../../shared/agentTasks/outcomes';
import { listParam, serverMessageText, type ParamsOf, type ServerMessage, type ServerMessageCode } from '../../shared/i18n/serverMessages';

/** The columns an outside call centre gets: the task to quote back, whom to call, and the script. */
export const exportColumns = ['task_id', 'team', 'priority', 'due_at', 'user_id', 'name', 'phone', 'limit', 'timezone', 'script'] as const;
const select = `t.id, t.team, t.priority, t.due_at, k.external_id, json_extract(k.traits, '$.name'), k.phone, json_extract(k.traits, '$.limit'), k.timezone, t.script`;

/**
 * The tasks just handed to an outside call centre (`claimed_by` = `by` at
 * `at`), best first, as CSV read in one snapshot and streamed (export/csv.ts).
 * Phone numbers in full: the call centre dials them.
 */
export function prepareTaskExport(db: Db, by: string, at: number): PreparedExport {
  const from = `from agent_tasks t join contacts k on k.id = t.contact_id where t.status = 'claimed' and t.claimed_by = ? and t.claimed_at = ?`;
  const cell = (v: unknown, k: number): string => (k === 3 && typeof v === 'number' ? new Date(v).toISOString() : field(v));
  return snapshotCsv(
    db.$client.name,
    { count: { sql: `select count(*) ${from}`, params: [by, at] }, rows: { sql: `select ${select} ${from} order by t.priority desc, t.due_at, t.id`, params: [by, at] }, columns: exportColumns, cell },
    (total) => ({ source: 'agent_tasks', objectId: by, columns: [...exportColumns], rows: total, phonesMasked: false }),
  );
}

/** One outcome row: the task, what came of the call, the caller's note. */
export interface OutcomeRow {
  taskId: number;
  outcome: CallOutcome;
  note: string | null;
}

const taskIdPattern = /^[1-9]\d{0,15}$/;

/** A row refused by a stable code: its message is the code's English (the column named in it), and the answer carries the code for the client to word. */
export class OutcomeRowError extends RowError {
  readonly messageRef: ServerMessage;
  constructor(field: string, code: ServerMessageCode, params: ServerMessage['params']) {
    super(field, serverMessageText(code, params as never));
    this.messageRef = { code, params };
  }
}
const refuseRow = <C extends ServerMessageCode>(field: string, code: C, params: ParamsOf<C>): OutcomeRowError => new OutcomeRowError(field, code, params as ServerMessage['params']);

/** A row whose task cannot take an outcome (unknown, closed already), refused by `record`. */
export interface RefusedRow {
  line: number;
  messageRef: ServerMessage;
}

/** Validates one record of an outcomes file; throws RowError naming the column. */
export function outcomeFromRecord(record: Record<string, string>): OutcomeRow {
  const id = (record.task_id ?? '').trim();
  if (!id) throw refuseRow('task_id', 'call_row_task_id_missing', {});
  if (!taskIdPattern.test(id)) throw refuseRow('task_id', 'call_row_task_id_invalid', { got: id });
  const raw = (record.outcome ?? '').trim().toLowerCase();
  const outcome = CallOutcome.safeParse(raw);
  if (!outcome.success) throw raw ? refuseRow('outcome', 'call_row_outcome_invalid', { got: raw, choices: listParam(callOutcomes) }) : refuseRow('outcome', 'call_row_outcome_missing', {});
  const note = (record.note ?? '').trim();
  if (note.length > noteMax) throw refuseRow('note', 'call_row_note_long', { max: noteMax });
  return { taskId: Number(id), outcome: outcome.data, note: note || null };
}

export interface OutcomeImportReport {
  /** data rows read (good and bad) */
  rows: number;
  recorded: number;
  bad: BadRow[];
}

/**
 * Outcomes from an outside call centre, as CSV (`task_id,outcome,note`), read
 * like the contacts import (the same reader, line numbers and error rows). A
 * row whose task is not open or claimed (unknown, closed already) is refused
 * by `record` returning false; the good rows land, `chunk` at a time, each
 * chunk in one transaction.
 */
export async function importOutcomesCsv(input: Readable, o: { record: (rows: readonly { row: OutcomeRow; line: number }[]) => RefusedRow[]; chunk?: number }): Promise<OutcomeImportReport> {
  const report: OutcomeImportReport = { rows: 0, recorded: 0, bad: [] };
  const chunk = o.chunk ?? 500;
  let pending: { row: OutcomeRow; line: number }[] = [];
  const flush = () => {
    if (!pending.length) return;
    const refused = o.record(pending);
    report.recorded += pending.length - refused.length;
    for (const r of refused) report.bad.push({ line: r.line, field: 'task_id', error: `task_id: ${serverMessageText(r.messageRef.code, r.messageRef.params as never)}`, messageRef: r.messageRef });
    pending = [];
  };
  const reader = readCsvRecords(input, {
    header: (names) => {
      for (const column of ['task_id', 'outcome']) if (!names.includes(column)) throw refuse('BAD_REQUEST', 'call_outcomes_header', { column, has: listParam(names) });
    },
    bad: (b) => {
      report.rows++;
      report.bad.push(b);
    },
    empty: 'task_id,outcome,note',
  });
  await reader.each((record, line) => {
    report.rows++;
    try {
      pending.push({ row: outcomeFromRecord(record), line });
    } catch (e) {
      if (!(e instanceof OutcomeRowError)) throw e;
      report.bad.push({ line, field: e.field, error: e.message, messageRef: e.messageRef });
    }
    if (pending.length >= chunk) flush();
  });
  flush();
  report.bad.sort((a, b) => a.line - b.line);
  return report;
}
