import { useFormat } from '../i18n/useFormat';

/** A relative time with the exact one on hover, in the chosen language (and the workspace's zone). */
export function RelativeTime({ ms }: { ms: number }) {
  const f = useFormat();
  return (
    <time dateTime={new Date(ms).toISOString()} title={f.absolute(ms)}>
      {f.relative(ms)}
    </time>
  );
}
