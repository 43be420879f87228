/**
 * A refusal as a person should read it: an input that failed its schema
 * carries its issues (server errorFormatter `data.issues`), whose joined text
 * says more than the raw JSON message; anything else is the message as sent.
 */
export function errorText(error: { message: string; data?: unknown } | null | undefined): string {
  if (!error) return '';
  const data = error.data;
  const issues = typeof data === 'object' && data !== null && 'issues' in data ? data.issues : null;
  if (Array.isArray(issues) && issues.length > 0) return issues.map((i: { path?: unknown; message?: unknown }) => (i.path ? `${String(i.path)}: ${String(i.message)}` : String(i.message))).join('; ');
  return error.message;
}
