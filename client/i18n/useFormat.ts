import { useMemo } from 'react';
import * as f from '../format';
import { useLocaleOrEnglish } from './I18nProvider';
import type { Weekday } from '../../shared/util/time';

/** The formatting functions of client/format.ts bound to the chosen locale and the workspace's time zone. */
export function useFormat() {
  const { locale, timeZone } = useLocaleOrEnglish();
  return useMemo(
    () => ({
      locale,
      timeZone,
      count: (n: number) => f.formatCount(n, locale),
      percent: (rate: number | null) => f.formatPercent(rate, locale),
      yuan: (amount: number | null) => f.formatYuan(amount, locale),
      relative: (ms: number, now = Date.now()) => f.formatRelative(ms, now, locale),
      absolute: (ms: number) => f.formatAbsolute(ms, locale, timeZone),
      /** date and time in `tz` (default: the workspace's) */
      dateTime: (ms: number, tz = timeZone) => f.dateTimeIn(ms, tz, locale),
      shortDateTime: (ms: number, tz = timeZone) => f.shortDateTimeIn(ms, tz, locale),
      time: (ms: number, tz = timeZone) => f.timeIn(ms, tz, locale),
      day: (day: string) => f.dayLabel(day, locale),
      weekday: (day: Weekday) => f.weekdayLabel(day, locale),
    }),
    [locale, timeZone],
  );
}
