/** Instants as the contact lives them: every time on the contact page is in the contact's own time zone. */

const cache = new Map<string, Intl.DateTimeFormat>();
function format(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** "09:00" */
export function timeIn(at: number, tz: string): string {
  return format(`t|${tz}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(at);
}

/** "Nov 3, 2026, 09:00" */
export function dateTimeIn(at: number, tz: string): string {
  return format(`dt|${tz}`, () => new Intl.DateTimeFormat('en-US', { timeZone: tz, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' })).format(at);
}

/** "Tuesday, Nov 3, 2026" for a YYYY-MM-DD day (a calendar day, so no zone applies) */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return format('day', () => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'short', day: 'numeric' })).format(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

/** "09:00" when `at` falls on the same day as `ref` in this zone, else "Nov 3, 2026, 09:00": a deferral often lands the next morning. */
export function timeNear(at: number, ref: number, tz: string): string {
  const day = format(`d|${tz}`, () => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }));
  return day.format(at) === day.format(ref) ? timeIn(at, tz) : dateTimeIn(at, tz);
}
