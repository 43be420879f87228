import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DAY, HOUR, MINUTE, durationMs, isTimeZone, localInstant, localTime, minutesOfDay, utcDay, utcDayStart } from './time';

describe('time helpers', () => {
  it('durations', () => {
    expect(durationMs(3, 'days')).toBe(3 * 24 * 60 * 60 * 1000);
    expect(durationMs(2, 'hours')).toBe(2 * HOUR);
    expect(durationMs(5, 'minutes')).toBe(5 * MINUTE);
    expect(DAY).toBe(24 * HOUR);
  });

  it('minutesOfDay reads HH:MM', () => {
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('12:30')).toBe(750);
    expect(minutesOfDay('23:59')).toBe(1439);
  });

  it('localTime gives the wall-clock weekday (Monday = 0) and minute in the zone', () => {
    const instant = Date.parse('2026-03-01T20:15:00Z'); // Sunday in UTC, Monday 04:15 in Shanghai
    expect(localTime(instant, 'UTC')).toEqual({ weekday: 6, minutes: 20 * 60 + 15 });
    expect(localTime(instant, 'Asia/Shanghai')).toEqual({ weekday: 0, minutes: 4 * 60 + 15 });
  });

  it('localInstant is local midnight plus minutes, days ahead, in the zone', () => {
    const instant = Date.parse('2026-03-01T20:15:00Z');
    expect(localInstant(instant, 'Asia/Shanghai', 0, 12 * 60)).toBe(Date.parse('2026-03-02T12:00:00+08:00'));
    expect(localInstant(instant, 'Asia/Shanghai', 5, 0)).toBe(Date.parse('2026-03-07T00:00:00+08:00'));
    expect(localInstant(instant, 'UTC', 1, 90)).toBe(Date.parse('2026-03-02T01:30:00Z'));
  });

  it('an unknown zone throws instead of producing NaN', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => localTime(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localInstant(0, 'Mars/Olympus_Mons', 0, 0)).toThrow(RangeError);
  });
});

describe('UTC days', () => {
  it('name the UTC day of an instant, and its first instant, around every boundary (property)', () => {
    expect(utcDay(Date.UTC(2026, 10, 2, 23, 59, 59, 999))).toBe('2026-11-02');
    expect(utcDay(Date.UTC(2026, 10, 3))).toBe('2026-11-03');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), (t) => {
        const day = utcDay(t);
        expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(utcDayStart(day)).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(utcDayStart(day) + DAY);
      }),
    );
  });

  it('agree with the calendar on leap days, century years and before 1970 (property, against TZDate)', () => {
    expect(utcDay(Date.UTC(2028, 1, 29, 12))).toBe('2028-02-29');
    expect(utcDay(Date.UTC(2100, 2, 1) - 1)).toBe('2100-02-28');
    expect(utcDay(Date.UTC(2000, 1, 29))).toBe('2000-02-29');
    expect(utcDay(-1)).toBe('1969-12-31');
    fc.assert(
      fc.property(fc.integer({ min: -2208988800000, max: 7258118400000 }), (t) => {
        expect(utcDay(t)).toBe(new TZDate(t, 'UTC').toISOString().slice(0, 10));
      }),
    );
  });
});
