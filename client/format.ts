/**
 * The one formatting module: numbers, money, dates and relative times through
 * `Intl`, in the chosen locale and the workspace's time zone.
 *
 * Every function takes the locale (and, for instants, the zone) explicitly;
 * left out, they use the active ones, which the I18nProvider sets when the
 * locale or the workspace changes. That default exists so that pure helpers
 * (outbox summaries, timeline models) and components without the intl context
 * at hand format in the chosen language without threading a locale through
 * every call; React code prefers `useFormat()` (client/i18n/useFormat.ts).
 */

import { weekdays, type Weekday } from '../shared/util/time';

let active = { locale: 'en', timeZone: 'Asia/Shanghai' };

/** Called by the I18nProvider: the locale and workspace zone the defaults below use. */
export function setActiveFormat(next: { locale: string; timeZone: string }): void {
  active = { ...next };
}
export const activeLocale = (): string => active.locale;
export const activeTimeZone = (): string => active.timeZone;

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}
const dateTime = (locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => cached(`dt|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
const number = (locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat => cached(`n|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "5 minutes ago", "yesterday" ("5分钟前", "昨天"): how long before `now` the instant `ms` was. */
export function formatRelative(ms: number, now: number, locale = active.locale): string {
  const rtf = cached(`rt|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  let value = (ms - now) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), unit);
    value /= size;
  }
  return rtf.format(Math.round(value), 'year');
}

/** "Nov 22, 2026, 10:04 PM" ("2026年11月22日 22:04"), for tooltips beside a relative time; in the workspace's zone. */
export function formatAbsolute(ms: number, locale = active.locale, timeZone = active.timeZone): string {
  return dateTime(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms);
}

/** "12,345": a count (or any plain number) grouped as the locale groups. */
export function formatCount(n: number, locale = active.locale): string {
  return number(locale).format(n);
}

/** "12.3%" for a 0–1 rate, one decimal; "–" when there is no rate. */
export function formatPercent(rate: number | null, locale = active.locale): string {
  return rate === null ? '–' : number(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

/** "¥1,234.5": an amount in yuan (CNY), at most two decimals; "–" when there is none. */
export function formatYuan(amount: number | null, locale = active.locale): string {
  // narrowSymbol: "¥" in every locale (English would otherwise write "CN¥")
  return amount === null ? '–' : number(locale, { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(amount);
}

/** "2026-11-22 14:04 UTC": an instant to the minute, in UTC (machine-like on purpose, the same in every language). */
export function formatUtcMinute(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** "09:00": the time of day in a zone, 24-hour in every language. */
export function timeIn(at: number, tz: string = active.timeZone, locale = active.locale): string {
  return dateTime(locale, { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "Nov 3, 2026, 09:00" ("2026年11月3日 09:00"): date and time in a zone. */
export function dateTimeIn(at: number, tz: string = active.timeZone, locale = active.locale): string {
  return dateTime(locale, { timeZone: tz, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(at);
}

/** A day of the week, short ("Mon", "周一"): a Monday of 2024 in UTC, worded by Intl. */
export function weekdayLabel(day: Weekday, locale = active.locale): string {
  return dateTime(locale, { timeZone: 'UTC', weekday: 'short' }).format(Date.UTC(2024, 0, 1 + weekdays.indexOf(day)));
}

/** "Tue, 3 Nov, 09:00": a short weekday, date and time in a zone (the forecast's next entries). */
export function shortDateTimeIn(at: number, tz: string = active.timeZone, locale = active.locale): string {
  return dateTime(locale, { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "Tuesday, Nov 3, 2026" ("2026年11月3日星期二") for a YYYY-MM-DD day (a calendar day, so no zone applies). */
export function dayLabel(day: string, locale = active.locale): string {
  const [y, m, d] = day.split('-').map(Number);
  return dateTime(locale, { timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'short', day: 'numeric' }).format(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

/** "2026-11-03": the calendar day an instant falls on in a zone (a key, not for display: the same in every language). */
export function dayKeyIn(at: number, tz: string): string {
  const parts = dateTime('en', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** "09:00" when `at` falls on the same day as `ref` in this zone, else "Nov 3, 2026, 09:00": a deferral often lands the next morning. */
export function timeNear(at: number, ref: number, tz: string = active.timeZone, locale = active.locale): string {
  return dayKeyIn(at, tz) === dayKeyIn(ref, tz) ? timeIn(at, tz, locale) : dateTimeIn(at, tz, locale);
}
