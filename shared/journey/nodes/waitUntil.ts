import { z } from 'zod';
import { defineKind } from '../kind';
import { MaxVisits } from '../loops';
import { hhmmPattern, localInstant, localTime, minutesOfDay, weekdays } from '../../util/time';

export const TimeWindow = z
  .object({
    days: z.array(z.enum(weekdays)).min(1, 'pick at least one day').default(['mon', 'tue', 'wed', 'thu', 'fri']).meta({ ui: 'weekdays', title: 'Days', titleKey: 'field.days' }),
    from: z.string().regex(hhmmPattern, 'must be HH:MM').meta({ ui: 'time', title: 'From', titleKey: 'field.from' }),
    to: z.string().regex(hhmmPattern, 'must be HH:MM').meta({ ui: 'time', title: 'To', titleKey: 'field.to' }),
  })
  .refine((w) => minutesOfDay(w.from) < minutesOfDay(w.to), { error: '"from" must be before "to"', path: ['to'] });
export type TimeWindow = z.infer<typeof TimeWindow>;

/**
 * The earliest instant ≥ now inside one of `windows`, in time zone `tz`;
 * `now` itself when it already falls inside one. Looks ahead 8 local days.
 */
export function nextWindowStart(windows: readonly TimeWindow[], now: number, tz: string): number {
  const here = localTime(now, tz);
  let best = Number.POSITIVE_INFINITY;
  for (const w of windows) {
    const from = minutesOfDay(w.from);
    const to = minutesOfDay(w.to);
    const dayIdx = w.days.map((d) => weekdays.indexOf(d));
    if (dayIdx.includes(here.weekday) && here.minutes >= from && here.minutes < to) return now;
    for (let offset = 0; offset <= 7; offset++) {
      if (!dayIdx.includes((here.weekday + offset) % 7)) continue;
      const start = localInstant(now, tz, offset, from);
      if (start >= now) {
        best = Math.min(best, start);
        break;
      }
    }
  }
  return best;
}

/**
 * When the stretch of windows holding `now` ends (overlapping or touching
 * windows merge); `now` itself when it is outside every window.
 */
export function windowStretchEnd(windows: readonly TimeWindow[], now: number, tz: string): number {
  let t = now;
  for (let i = 0; i <= windows.length; i++) {
    const here = localTime(t, tz);
    const ends = windows
      .filter((w) => w.days.some((d) => weekdays.indexOf(d) === here.weekday) && here.minutes >= minutesOfDay(w.from) && here.minutes < minutesOfDay(w.to))
      .map((w) => localInstant(t, tz, 0, minutesOfDay(w.to)));
    if (ends.length === 0) return t;
    t = Math.max(...ends);
  }
  return t;
}

/** Holds the run until the next time window in the contact's own time zone. */
export const waitUntil = defineKind({
  kind: 'wait.until',
  role: 'wait',
  schema: z.object({
    windows: z
      .array(TimeWindow)
      .min(1, 'add at least one time window')
      .default([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '12:00', to: '14:00' }])
      .meta({ title: 'Time windows', titleKey: 'field.timeWindows', description: 'In the contact’s own time zone.', descriptionKey: 'field.timeWindows.help' }),
    maxVisits: MaxVisits,
  }),
  palette: {
    group: 'Wait',
    label: 'Wait for time window',
    icon: 'clock',
    description: 'Wait for the next window in the contact’s time zone.',
    labelKey: 'kind.waitForTimeWindow.label',
    descriptionKey: 'kind.waitForTimeWindow.description',
  },
  summary: (c) => c.windows.map((w) => `${w.days.length === 7 ? 'daily' : w.days.join(',')} ${w.from}–${w.to}`).join(' or ') + (c.maxVisits === null ? '' : ` · at most ${c.maxVisits}×`),
  // one window (the common case) is worded per language; several keep the English summary
  summaryMessage: (c) => {
    const w = c.windows.length === 1 ? c.windows[0] : undefined;
    if (!w) return null;
    return {
      messageKey: 'summary.window',
      values: { daily: w.days.length === 7 ? 'yes' : 'no', days: w.days.join(','), from: w.from, to: w.to, maxVisits: c.maxVisits === null ? 'none' : String(c.maxVisits) },
    };
  },
  ports: () => [{ id: 'next', label: '' }],
  maxVisits: (c) => c.maxVisits,
  enter(c, { ctx, looped }) {
    // back round a loop in the same window: this window is spent, hold the run for the next one
    const from = looped ? windowStretchEnd(c.windows, ctx.now, ctx.profile.timezone) : ctx.now;
    const at = nextWindowStart(c.windows, from, ctx.profile.timezone);
    return at <= ctx.now ? { type: 'go', port: 'next' } : { type: 'wait', until: at };
  },
  onTimer: () => ({ type: 'go', port: 'next' }),
});
