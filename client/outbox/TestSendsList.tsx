import { useQuery } from '@tanstack/react-query';
import { channelLabels } from '../../shared/journey/channels';
import { formatUtcMinute } from '../format';
import { useTRPC } from '../trpc';
import { LoadError } from '../components/QueryState';

/**
 * Test sends, apart from the outbox: each went to a test contact, not to the
 * contact whose traits filled it, and counts in nothing the outbox feeds
 * (caps, numbers, funnels). Shown only when there are any.
 */
export function TestSendsList({ journeyId }: { journeyId?: string | undefined }) {
  const trpc = useTRPC();
  const sends = useQuery({ ...trpc.testing.sends.queryOptions({ journeyId, limit: 50 }), refetchInterval: 10_000 });
  if (sends.isError) return <LoadError error={sends.error} />;
  if (!sends.data || sends.data.length === 0) return null;
  return (
    <section className="card" aria-labelledby="test-sends">
      <h2 id="test-sends">Test sends</h2>
      <p className="muted">Sent to the team’s test contacts with a real contact’s traits; not in the outbox above, and never counted.</p>
      <table className="table" aria-label="Test sends">
        <thead>
          <tr>
            <th scope="col">Sent</th>
            <th scope="col">To (test contact)</th>
            <th scope="col">Traits of</th>
            <th scope="col">Channel</th>
            <th scope="col">Template</th>
            <th scope="col">Status</th>
            <th scope="col">By</th>
            <th scope="col">Message</th>
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
              <td>{channelLabels[t.channel]}</td>
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
