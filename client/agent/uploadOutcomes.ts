import type { ServerMessage } from '../../shared/i18n/serverMessages';

/** One refused row of an outcomes file: its line, the column at fault, the English, and its code when the server gave one. */
export interface RefusedLine {
  line: number;
  field: string | null;
  error: string;
  messageRef?: ServerMessage;
}

/** What POST /agent-tasks/outcomes.csv answers: rows read, outcomes recorded, the first refused rows, and the error file of them all. */
export interface OutcomeReport {
  rows: number;
  recorded: number;
  bad: RefusedLine[];
  errorsCsv: string | null;
}

/** A refusal of a whole request, shaped as `errorText` (client/i18n/serverText.ts) reads one: the English, and the code in `data.messageRef`. */
export class HttpRefusal extends Error {
  constructor(
    message: string,
    readonly data: { messageRef: unknown },
  ) {
    super(message);
    this.name = 'HttpRefusal';
  }
}

/** The refusal a non-2xx answer carries (`{error, messageRef}`), or its status when it is not JSON. */
export async function refusalOf(res: Response, what: string): Promise<HttpRefusal> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: unknown; messageRef?: unknown };
    return new HttpRefusal(typeof body.error === 'string' ? body.error : `${what} failed (${res.status})`, { messageRef: body.messageRef ?? null });
  } catch {
    return new HttpRefusal(`${what} failed (${res.status})`, { messageRef: null });
  }
}

/**
 * POST an outside call centre's outcomes file (`task_id,outcome,note`) to
 * /agent-tasks/outcomes.csv as it is: the server reads it as the contacts
 * import reads its files. Resolves with the report (good rows recorded, bad
 * ones refused by line); a refusal of the whole file rejects with an
 * HttpRefusal.
 */
export async function uploadOutcomes(file: Blob, signal?: AbortSignal): Promise<OutcomeReport> {
  const res = await fetch('/agent-tasks/outcomes.csv', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'text/csv', 'x-journeys-client': 'web' },
    body: file,
    signal,
  });
  if (!res.ok) throw await refusalOf(res, 'import');
  return (await res.json()) as OutcomeReport;
}

/** The error file as a link target: saved as is, a spreadsheet opens it. */
export const errorFileHref = (csv: string): string => `data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${csv}`)}`;
