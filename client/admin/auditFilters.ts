/** The audit log's filters as the URL keeps them (`?actor=&action=&type=&object=&from=&to=`), so a view can be shared. */
export interface AuditFilterValues {
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  /** `yyyy-mm-dd`, the browser's days */
  from: string;
  to: string;
}

const keys: Record<keyof AuditFilterValues, string> = { actor: 'actor', action: 'action', objectType: 'type', objectId: 'object', from: 'from', to: 'to' };

export function readAuditFilters(params: URLSearchParams): AuditFilterValues {
  const get = (k: keyof AuditFilterValues) => params.get(keys[k]) ?? '';
  return { actor: get('actor'), action: get('action'), objectType: get('objectType'), objectId: get('objectId'), from: get('from'), to: get('to') };
}

/** `params` with one filter changed (an empty value drops it). */
export function withAuditFilter(params: URLSearchParams, k: keyof AuditFilterValues, value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value) next.set(keys[k], value);
  else next.delete(keys[k]);
  return next;
}

/** Local midnight starting `yyyy-mm-dd`, or of the day after (`dayAfter`), in ms; undefined for no or a bad date. */
function localMidnight(day: string, dayAfter: boolean): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (dayAfter ? 1 : 0)).getTime();
  return Number.isFinite(t) ? t : undefined;
}

/** The `audit.list` input: the dates cover whole local days, `to` included. */
export function auditQueryInput(f: AuditFilterValues) {
  const from = localMidnight(f.from, false);
  const to = localMidnight(f.to, true);
  return {
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.objectType ? { objectType: f.objectType } : {}),
    ...(f.objectId.trim() ? { objectId: f.objectId.trim() } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to: to - 1 } : {}),
  };
}

/** A change as one line of JSON (`null` for none). */
export function compactDiff(diff: unknown): string {
  if (diff === undefined || diff === null) return '';
  try {
    return JSON.stringify(diff);
  } catch {
    return String(diff);
  }
}
