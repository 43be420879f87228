import { formatAbsolute, formatRelative } from '../format';

/** A relative time with the exact one on hover. */
export function RelativeTime({ ms }: { ms: number }) {
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatAbsolute(ms)}>
      {formatRelative(ms, Date.now())}
    </time>
  );
}
