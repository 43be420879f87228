import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { usePolicyWords } from '../i18n/policyReason';
import { channelMessages, messageStatusMessages } from '../i18n/registryMessages';
import { useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { messageStatuses } from '../../shared/outbox/status';
import { channels } from '../../shared/journey/channels';
import { formatAbsolute } from '../format';
import { filterFromParams } from '../outbox/outboxFilter';
import { downloadCsv } from '../export/downloadAudience';
import { useLocale } from '../i18n/I18nProvider';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { TestSendsList } from '../outbox/TestSendsList';

/**
 * The outbox as ops read it: every message the engine queued, held back or
 * sent, newest first, fifty at a time with how many match, filtered by
 * journey, contact, status, channel, template and days in the workspace's
 * zone (the URL keeps the filter, so a view can be shared), and exported as
 * CSV with the same filter. A webhook's JSON (or any long body) is folded.
 */
export function OutboxPage() {
  const t = useT();
  const errorText = useErrorText();
  const policyWords = usePolicyWords();
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const { timeZone } = useLocale();
  const filter = filterFromParams(params, timeZone);
  const journeys = useQuery(trpc.journeys.list.queryOptions());
  const templates = useQuery(trpc.templates.list.queryOptions());
  const out = useInfiniteQuery({
    ...trpc.channels.outboxPage.infiniteQueryOptions({ filter, size: 50 }, { getNextPageParam: (last) => last.next }),
    refetchInterval: 5_000,
  });
  const rows = out.data?.pages.flatMap((p) => p.rows) ?? [];
  const first = out.data?.pages[0];
  const [exporting, setExporting] = useState<{ rows: number; total: number } | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const exportCsv = async () => {
    setExported(null);
    setExporting({ rows: 0, total: first?.total ?? 0 });
    try {
      const r = await downloadCsv('/export/outbox.csv', { filter }, new AbortController().signal, (n, total) => setExporting({ rows: n, total }), 'outbox.csv');
      setExported(t('outbox.exported', { rows: r.rows, file: r.fileName }));
    } catch (e) {
      setExported(errorText(e instanceof Error ? e : { message: String(e) }));
    } finally {
      setExporting(null);
    }
  };
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
          <select value={filter.journeyId ?? ''} onChange={(e) => set('journey', e.target.value)}>
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
          <input type="search" value={params.get('contact') ?? ''} placeholder={t('outbox.userId')} onChange={(e) => set('contact', e.target.value.trim())} />
        </label>
        <label>
          {t('journeys.col.status')}
          <select value={filter.status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">{t('outbox.anyStatus')}</option>
            {messageStatuses.map((s) => (
              <option key={s} value={s}>
                {t(messageStatusMessages[s])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.channel')}
          <select value={filter.channel ?? ''} onChange={(e) => set('channel', e.target.value)}>
            <option value="">{t('outbox.anyChannel')}</option>
            {channels.map((c) => (
              <option key={c} value={c}>
                {t(channelMessages[c])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.template')}
          <select value={filter.template ?? ''} onChange={(e) => set('template', e.target.value)}>
            <option value="">{t('outbox.anyTemplate')}</option>
            {templates.data?.map((x) => (
              <option key={x.key} value={x.key}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('outbox.from')}
          <input type="date" value={params.get('from') ?? ''} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('outbox.to')}
          <input type="date" value={params.get('to') ?? ''} onChange={(e) => set('to', e.target.value)} />
        </label>
      </form>
      <div className="outbox__bar">
        {first && (
          <span role="status" aria-label={t('outbox.count')}>
            {t('outbox.showing', { shown: rows.length, total: first.total, capped: String(first.totalCapped) })}
          </span>
        )}
        <span className="muted">{t('outbox.timesIn', { zone: timeZone })}</span>
        <button type="button" className="btn btn--small" disabled={exporting !== null || !first || first.total === 0} onClick={() => void exportCsv()}>
          {exporting ? t('outbox.exporting', { rows: exporting.rows, total: exporting.total }) : t('outbox.export')}
        </button>
        {exported && <span role="status">{exported}</span>}
      </div>
      {out.isPending ? (
        <Loading what={t('outbox.loading')} />
      ) : out.isError ? (
        <LoadError error={out.error} />
      ) : rows.length === 0 ? (
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
              {rows.map((m) => (
                <tr key={m.id} data-channel={m.channel} data-contact={m.externalId ?? ''}>
                  <td className="muted nowrap">{formatAbsolute(m.createdAt)}</td>
                  <td>{m.externalId ? <Link to={`/contacts/${encodeURIComponent(m.externalId)}`}>{m.externalId}</Link> : <span className="muted">{t('outbox.anonymous')}</span>}</td>
                  <td>{t(channelMessages[m.channel])}</td>
                  <td>
                    <code>{m.template}</code>
                    {m.variant && <span className="muted"> · {m.variant.toUpperCase()}</span>}
                  </td>
                  <td>
                    <span className={`status status--${m.status}`}>{t(messageStatusMessages[m.status])}</span>
                    {m.reason && <div className="muted small">{policyWords.reason(m.reason)}</div>}
                  </td>
                  <td className="table__body">
                    {m.body !== null && (m.channel === 'webhook' || m.body.length > 280) ? (
                      <details>
                        <summary>{t('outbox.showBody', { chars: [...m.body].length })}</summary>
                        <pre className="outbox__body">{m.body}</pre>
                      </details>
                    ) : (
                      m.body
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {out.hasNextPage && (
            <button type="button" className="btn btn--small" disabled={out.isFetchingNextPage} onClick={() => void out.fetchNextPage()}>
              {t('outbox.loadMore')}
            </button>
          )}
        </div>
      )}
      <TestSendsList journeyId={filter.journeyId} />
    </main>
  );
}
