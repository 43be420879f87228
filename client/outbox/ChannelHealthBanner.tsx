import { useT } from '../i18n/useT';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { formatUtcMinute } from '../format';
import { failingLine } from './deadLetters';

/**
 * A banner under the top bar while a channel is failing (its recent error
 * rate, as the dispatcher records it), for everyone signed in: it explains
 * why messages are late. Analysts get a link to the dead letters.
 */
export function ChannelHealthBanner() {
  const t = useT();
  const trpc = useTRPC();
  const analyst = useAuth().can('analyst');
  const health = useQuery({ ...trpc.channels.health.queryOptions(), refetchInterval: 30_000 });
  const failing = (health.data ?? []).filter((h) => h.state === 'failing');
  if (failing.length === 0) return null;
  return (
    <div className="banner banner--error" role="alert" aria-label={t('health.label')} style={{ margin: '12px 32px 0' }}>
      {failing.map((h) => (
        <div key={h.channel}>{failingLine(t, h, formatUtcMinute)}</div>
      ))}
      {analyst && (
        <div>
          <Link to="/dead-letters">{t('health.seeDeadLetters')}</Link>
        </div>
      )}
    </div>
  );
}
