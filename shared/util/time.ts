import { TZDate } from '@date-fns/tz';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * The UTC day of an instant, `YYYY-MM-DD`: the day the metrics count it under.
 * Integer arithmetic on the day count (the proleptic Gregorian calendar, as
 * Howard Hinnant's civil_from_days computes it), not a TZDate: this runs for
 * every counter a runner batch writes and every event the router credits, and
 * a TZDate costs some 40 µs each, about a hundred times this.
 */
export function utcDay(t: number): string {
  const z = Math.floor(t / DAY) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  // months counted from March, so the leap day ends the year
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** The first instant of a UTC day given as `YYYY-MM-DD`. */
export const utcDayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);

export const durationUnits = ['minutes', 'hours', 'days'] as const;
export type DurationUnit = (typeof durationUnits)[number];
const unitMs: Record<DurationUnit, number> = { minutes: MINUTE, hours: HOUR, days: DAY };

export function durationMs(amount: number, unit: DurationUnit): number {
  return amount * unitMs[unit];
}

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** "HH:MM" in 24-hour time. */
export const hhmmPattern = /^([01]\d|2[0-3]):[0-5]\d$/;

export function minutesOfDay(hhmm: string): number {
  // "HH:MM" by character codes: policies ask this for every message a batch sends
  const h = (hhmm.charCodeAt(0) - 48) * 10 + (hhmm.charCodeAt(1) - 48);
  const m = (hhmm.charCodeAt(3) - 48) * 10 + (hhmm.charCodeAt(4) - 48);
  return hhmm.length === 5 && hhmm[2] === ':' && h >= 0 && h < 24 && m >= 0 && m < 60 ? h * 60 + m : Number.NaN;
}

export interface LocalTime {
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  minutes: number;
}

/**
 * TZDate turns an unknown zone into an Invalid Date rather than throwing; NaN
 * would then flow into wake times and leave a run waiting forever, so fail loudly.
 */
function zoned(at: number, tz: string): TZDate {
  const d = new TZDate(at, tz);
  if (Number.isNaN(d.getTime()) || Number.isNaN(d.getHours())) throw new RangeError(`unknown time zone ${JSON.stringify(tz)}`);
  return d;
}

const lastLocal = new Map<string, { minute: number; value: LocalTime }>();

/**
 * Wall-clock weekday and minute of day at instant `at` in time zone `tz`.
 * Throws a RangeError for an unknown zone. Remembers the last answer per zone:
 * a runner batch asks the same (minute, zone) thousands of times, and a zone
 * conversion costs microseconds. (Offsets are whole minutes in every zone in use.)
 */
export function localTime(at: number, tz: string): LocalTime {
  const minute = Math.floor(at / MINUTE);
  const hit = lastLocal.get(tz);
  if (hit && hit.minute === minute) return hit.value;
  const d = zoned(at, tz);
  const value: LocalTime = Object.freeze({ weekday: (d.getDay() + 6) % 7, minutes: d.getHours() * 60 + d.getMinutes() });
  if (lastLocal.size > 1000) lastLocal.clear();
  lastLocal.set(tz, { minute, value });
  return value;
}

/**
 * The instant of local midnight `dayOffset` days after the local date of `at`
 * in `tz`, plus `minutes` of wall-clock time. DST gaps resolve as TZDate does
 * (forward), so the result is always a real instant.
 */
export function localInstant(at: number, tz: string, dayOffset: number, minutes: number): number {
  const d = zoned(at, tz);
  return new TZDate(d.getFullYear(), d.getMonth(), d.getDate() + dayOffset, 0, minutes, 0, 0, tz).getTime();
}

const knownZones = new Map<string, boolean>();

/** True for an IANA zone name the platform knows. Memoised: building a formatter costs ~60 µs, and imports ask per row. */
export function isTimeZone(tz: string): boolean {
  let ok = knownZones.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (knownZones.size < 10_000) knownZones.set(tz, ok);
  }
  return ok;
}
