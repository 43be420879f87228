import { useT } from '../i18n/useT';
import { channelMessages, messageStatusMessages } from '../i18n/registryMessages';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { describeReason } from '../../shared/policy/describe';
import { messageStatuses, type MessageStatus } from '../../shared/outbox/status';
import { formatUtcMinute } from '../format';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { TestSendsList } from '../outbox/TestSendsList';

/**
 * The outbox as ops read it: every message the engine queued, held back or
 * sent, newest first, filtered by journey, contact and status (the URL keeps
 * the filter, so a view can be shared).
 */
export function OutboxPage() {
  const t = useT();
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const journeyId = params.get('journey') ?? undefined;
  const externalId = params.get('contact') || undefined;
  const statusParam = params.get('status');
  const status = messageStatuses.includes(statusParam as MessageStatus) ? (statusParam as MessageStatus) : undefined;
  const journeys = useQuery(trpc.journeys.list.queryOptions());
  const out = useQuery({ ...trpc.channels.outbox.queryOptions({ journeyId, externalId, status, limit: 500 }), refetchInterval: 5_000 });
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };

  return (
    <main className="page page--wide">
      <div className="page__header">
        <div>
          <h1>{t('layout.nav.outbox')}</h1>
          <p className="muted">{t('outbox.lede')}</p>
        </div>
      </div>
      <form className="filters" aria-label={t('outbox.filter')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('outbox.journey')}
          <select value={journeyId ?? ''} onChange={(e) => set('journey', e.target.value)}>
            <option value="">{t('outbox.allJourneys')}</option>
            {journeys.data?.map((j) => (
              <option key={j.id} value={j.id}>
                {j.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('outbox.contact')}
          <input type="search" value={externalId ?? ''} placeholder={t('outbox.userId')} onChange={(e) => set('contact', e.target.value.trim())} />
        </label>
        <label>
          {t('journeys.col.status')}
          <select value={status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">{t('outbox.anyStatus')}</option>
            {messageStatuses.map((s) => (
              <option key={s} value={s}>
                {t(messageStatusMessages[s])}
              </option>
            ))}
          </select>
        </label>
      </form>
      {out.isPending ? (
        <Loading what={t('outbox.loading')} />
      ) : out.isError ? (
        <LoadError error={out.error} />
      ) : out.data.length === 0 ? (
        <div className="placeholder">{t('outbox.none')}</div>
      ) : (
        <div className="card">
          <table className="table" aria-label={t('layout.nav.outbox')}>
            <thead>
              <tr>
                <th scope="col">{t('outbox.col.queued')}</th>
                <th scope="col">{t('outbox.contact')}</th>
                <th scope="col">{t('field.channel')}</th>
                <th scope="col">{t('field.template')}</th>
                <th scope="col">{t('journeys.col.status')}</th>
                <th scope="col">{t('outbox.col.message')}</th>
              </tr>
            </thead>
            <tbody>
              {out.data.map((m) => (
                <tr key={m.id} data-channel={m.channel} data-contact={m.externalId ?? ''}>
                  <td className="muted nowrap">{formatUtcMinute(m.createdAt)}</td>
                  <td>{m.externalId ? <Link to={`/contacts/${encodeURIComponent(m.externalId)}`}>{m.externalId}</Link> : <span className="muted">{t('outbox.anonymous')}</span>}</td>
                  <td>{t(channelMessages[m.channel])}</td>
                  <td>
                    <code>{m.template}</code>
                    {m.variant && <span className="muted"> · {m.variant.toUpperCase()}</span>}
                  </td>
                  <td>
                    <span className={`status status--${m.status}`}>{t(messageStatusMessages[m.status])}</span>
                    {m.reason && <div className="muted small">{describeReason(m.reason)}</div>}
                  </td>
                  <td className="table__body">{m.body}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <TestSendsList journeyId={journeyId} />
    </main>
  );
}
