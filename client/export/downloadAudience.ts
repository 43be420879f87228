export type ExportSource = { kind: 'segment'; segment: string } | { kind: 'node'; journeyId: string; nodeId: string; waitingOnly: boolean };

const newline = 10;

/** Rows in a stretch of the CSV: its line ends (a quoted field's own line break would count too; the bar only needs to move). */
export function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (const b of chunk) if (b === newline) n++;
  return n;
}

/**
 * POST /export/audience.csv, read as it streams: `onProgress(rows, total)`
 * after each piece (the total from X-Total-Rows), then the file is handed to
 * the browser to save. A refusal's JSON message becomes the error (its code, if any, in `data.messageRef`, its schema issues in `data.issues`).
 */
export function downloadAudience(
  body: { source: ExportSource; columns: string[] },
  signal: AbortSignal,
  onProgress: (rows: number, total: number) => void,
): Promise<{ rows: number; fileName: string }> {
  return downloadCsv('/export/audience.csv', body, signal, onProgress, 'audience.csv');
}

/** POST `path` with `body` and save the CSV it streams back, reporting rows as they arrive (any of the /export routes). */
export async function downloadCsv(
  path: string,
  body: unknown,
  signal: AbortSignal,
  onProgress: (rows: number, total: number) => void,
  defaultName: string,
): Promise<{ rows: number; fileName: string }> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-journeys-client': 'web' },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok || !res.body) {
    const text = await res.text();
    let message = `export failed (${res.status})`;
    let messageRef: unknown = null;
    let issues: unknown = null;
    try {
      const body = JSON.parse(text) as { error?: string; messageRef?: unknown; issues?: unknown };
      message = body.error ?? message;
      messageRef = body.messageRef ?? null;
      issues = body.issues ?? null;
    } catch {
      // not JSON: keep the status
    }
    // a refusal by code keeps it in `data.messageRef` (schema issues in `data.issues`), where errorText (client/i18n/serverText.ts) words it
    throw Object.assign(new Error(message), { data: { messageRef, issues } });
  }
  const total = Number(res.headers.get('x-total-rows') ?? 0);
  const fileName = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? defaultName;
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    lines += countLines(value);
    // the header is the first line
    onProgress(Math.max(0, lines - 1), total);
  }
  const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { rows: Math.max(0, lines - 1), fileName };
}
