const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "5 minutes ago", "yesterday": how long before `now` the instant `ms` was. */
export function formatRelative(ms: number, now: number): string {
  let value = (ms - now) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), unit);
    value /= size;
  }
  return rtf.format(Math.round(value), 'year');
}

const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** "Nov 22, 2026, 10:04 PM", for tooltips beside a relative time. */
export function formatAbsolute(ms: number): string {
  return absolute.format(ms);
}

/** "12,345": a count (or any plain number) with en-US grouping. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "12.3%" for a 0–1 rate, one decimal; "–" when there is no rate. */
export function formatPercent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)}%`;
}

/** "¥1,234.5": an amount in yuan, at most two decimals; "–" when there is none. */
export function formatYuan(amount: number | null): string {
  return amount === null ? '–' : `¥${amount.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
}

/** "2026-11-22 14:04 UTC": an instant to the minute, in UTC. */
export function formatUtcMinute(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
