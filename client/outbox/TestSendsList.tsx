import { useT } from '../i18n/useT';
import { channelMessages } from '../i18n/registryMessages';
import { useQuery } from '@tanstack/react-query';
import type { Channel } from '../../shared/journey/channels';
import { formatUtcMinute } from '../format';
import { useTRPC } from '../trpc';
import { LoadError } from '../components/QueryState';

/**
 * Test sends, apart from the outbox: each went to a test contact, not to the
 * contact whose traits filled it, and counts in nothing the outbox feeds
 * (caps, numbers, funnels). Shown only when there are any.
 */
export function TestSendsList({ journeyId }: { journeyId?: string | undefined }) {
  const t = useT();
  const channelName = (c: Channel) => t(channelMessages[c]);
  const trpc = useTRPC();
  const sends = useQuery({ ...trpc.testing.sends.queryOptions({ journeyId, limit: 50 }), refetchInterval: 10_000 });
  if (sends.isError) return <LoadError error={sends.error} />;
  if (!sends.data || sends.data.length === 0) return null;
  return (
    <section className="card" aria-labelledby="test-sends">
      <h2 id="test-sends">{t('testSends.title')}</h2>
      <p className="muted">{t('testSends.lede')}</p>
      <table className="table" aria-label={t('testSends.title')}>
        <thead>
          <tr>
            <th scope="col">{t('funnel.sent')}</th>
            <th scope="col">{t('testSends.to')}</th>
            <th scope="col">{t('testSends.traitsOf')}</th>
            <th scope="col">{t('field.channel')}</th>
            <th scope="col">{t('field.template')}</th>
            <th scope="col">{t('journeys.col.status')}</th>
            <th scope="col">{t('testSends.by')}</th>
            <th scope="col">{t('outbox.col.message')}</th>
          </tr>
        </thead>
        <tbody>
          {sends.data.map((t) => (
            <tr key={t.id} data-test-send={t.id}>
              <td className="muted nowrap">{formatUtcMinute(t.createdAt)}</td>
              <td>
                {t.to} <span className="status">test</span>
              </td>
              <td>{t.contactExternalId}</td>
              <td>{channelName(t.channel)}</td>
              <td>
                <code>{t.template}</code>{' '}
                <span className="muted">
                  v{t.templateVersion} · {t.variant.toUpperCase()}
                </span>
              </td>
              <td>
                <span className={`status status--${t.status}`}>{t.status}</span>
                {t.error && <div className="muted small">{t.error}</div>}
              </td>
              <td>{t.sentBy}</td>
              <td className="table__body">{t.body}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
