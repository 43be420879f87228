import { useT } from '../i18n/useT';
import { useDebounced } from '../components/useDebounced';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Search } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { dateTimeIn } from './zonedFormat';
import { SleepingList, SleepingTile } from './SleepingContacts';
import { ExportAudience } from '../export/ExportAudience';
import { useAuth } from '../auth/AuthContext';

type Hit = RouterOutputs['contacts']['search'][number];

/** The id a contact page is opened by: the SDK's userId, else the anonymous id (the server looks up both). */
export const contactKey = (h: Pick<Hit, 'externalId' | 'anonymousId'>): string => h.externalId ?? h.anonymousId ?? '';
export const contactPath = (key: string): string => `/contacts/${encodeURIComponent(key)}`;

/**
 * Find one contact by user id, phone or name (prefix, any case), then open their timeline.
 * The URL keeps the query, so a search can be shared; Enter opens the first hit.
 */
export function ContactSearchPage() {
  const t = useT();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const sleepingOnly = params.get('sleeping') === '1';
  const { can } = useAuth();
  const debounced = useDebounced(q.trim(), 200);
  const hits = useQuery({ ...trpc.contacts.search.queryOptions({ q: debounced }), placeholderData: keepPreviousData });
  const workspace = useQuery(trpc.workspace.get.queryOptions());
  const defaultZone = workspace.data?.timezone ?? 'UTC';
  const first = hits.data?.[0];

  return (
    <main className="page">
      <div className="page__header">
        <div>
          <h1>{t('layout.nav.contacts')}</h1>
          <p className="muted">{t('contacts.lede')}</p>
        </div>
      </div>
      <SleepingTile active={sleepingOnly} onToggle={() => setParams(sleepingOnly ? {} : { sleeping: '1' }, { replace: true })} />
      {(can('analyst') || can('operator')) && <ExportAudience />}
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (first && !hits.isPlaceholderData) void navigate(contactPath(contactKey(first)));
        }}
      >
        <label className="search ct-search">
          <Search size={15} aria-hidden />
          <input
            type="search"
            autoFocus
            aria-label={t('contacts.search')}
            placeholder={t('contacts.search.placeholder')}
            value={q}
            onChange={(e) => setParams(e.target.value ? { q: e.target.value } : {}, { replace: true })}
          />
        </label>
      </form>
      {sleepingOnly ? (
        <SleepingList defaultZone={defaultZone} />
      ) : hits.isPending ? (
        <Loading what={t('contacts.loading')} />
      ) : hits.isError ? (
        <LoadError error={hits.error} />
      ) : hits.data.length === 0 ? (
        <div className="placeholder">{debounced ? t('contacts.noMatch', { q: debounced }) : t('contacts.none')}</div>
      ) : (
        <div className="card ct-card">
          <table className="table" aria-label={debounced ? t('contacts.matching') : t('contacts.newest')}>
            <thead>
              <tr>
                <th scope="col">{t('outbox.contact')}</th>
                <th scope="col">{t('journeys.col.name')}</th>
                <th scope="col">{t('contact.phone')}</th>
                <th scope="col">{t('contact.timezone')}</th>
                {/* one zone for the whole column (the workspace's), named, so the rows compare */}
                <th scope="col">{t('contacts.firstSeenIn', { tz: defaultZone })}</th>
              </tr>
            </thead>
            <tbody>
              {hits.data.map((h) => (
                <tr key={h.id}>
                  <td>
                    <Link className={`table__name${h.matched === 'externalId' && debounced ? ' ct-hit' : ''}`} to={contactPath(contactKey(h))}>
                      {h.externalId ?? <span className="muted">{t('contacts.anonymous', { id: h.anonymousId ?? '' })}</span>}
                    </Link>
                  </td>
                  <td className={h.matched === 'name' ? 'ct-hit' : undefined}>{h.name ?? <span className="muted">—</span>}</td>
                  <td className={h.matched === 'phone' ? 'ct-hit' : undefined}>{h.phone ?? <span className="muted">—</span>}</td>
                  <td className="muted">{h.timezone ?? t('contacts.workspaceZone', { tz: defaultZone })}</td>
                  <td className="muted nowrap">{dateTimeIn(h.createdAt, defaultZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
