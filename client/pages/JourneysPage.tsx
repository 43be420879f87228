import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { CircleAlert, CircleCheck, Plus, Search } from 'lucide-react';
import { formatCount } from '../format';
import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';
import { useTRPC, type JourneySummary } from '../trpc';
import { StatusBadge } from '../components/StatusBadge';
import { RelativeTime } from '../components/RelativeTime';
import { LoadError, Loading } from '../components/QueryState';
import { NewJourneyDialog } from './NewJourneyDialog';
import { useAuth } from '../auth/AuthContext';
import { countByView, filterJourneys, readJourneyFilter, statusFilters, writeJourneyFilter, type JourneyFilter, type StatusFilter } from './journeyFilter';

const statusLabels: Record<StatusFilter, string> = {
  all: msg('journeys.status.all'),
  draft: msg('status.draft'),
  live: msg('status.live'),
  paused: msg('status.paused'),
  errored: msg('status.errored'),
};

/**
 * All journeys of the workspace, newest change first, and the way to start a
 * new one. Search (name and description) and a status filter narrow the
 * list; archived journeys are listed apart, in their own view. The filter
 * lives in the URL.
 */
export function JourneysPage() {
  const t = useT();
  const trpc = useTRPC();
  const list = useQuery(trpc.journeys.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const operates = useAuth().can('operator');
  const [params, setParams] = useSearchParams();
  // the inputs follow local state, which the URL then copies: a router navigation is a transition, so a filter read
  // back from the URL lags a fast typist (and a second change made in between would start from the stale one)
  const [filter, setFilterState] = useState(() => readJourneyFilter(params));
  const setFilter = (f: Partial<JourneyFilter>) => setFilterState((prev) => ({ ...prev, ...f }));
  useEffect(() => {
    const next = writeJourneyFilter(params, filter);
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
  }, [filter, params, setParams]);

  return (
    <main className="page">
      <div className="page__header">
        <div>
          <h1>{t('journeys.title')}</h1>
          <p className="muted">{t('journeys.lede')}</p>
        </div>
        {operates && (
          <button type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
            <Plus size={16} aria-hidden />
            {t('journeys.new')}
          </button>
        )}
      </div>
      {list.isPending ? (
        <Loading what={t('journeys.loading')} />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : list.data.length === 0 ? (
        <div className="placeholder">{t('journeys.empty')}</div>
      ) : (
        <>
          <JourneyFilters filter={filter} counts={countByView(list.data)} onChange={setFilter} />
          <div role="tabpanel" id="journeys-view" aria-label={filter.archived ? t('journeys.archived') : t('journeys.active')}>
            <FilteredJourneys journeys={filterJourneys(list.data, filter)} filter={filter} />
          </div>
        </>
      )}
      {creating && <NewJourneyDialog onClose={() => setCreating(false)} />}
    </main>
  );
}

/** The active/archived views (with their counts), the search box and the status filter. */
function JourneyFilters({ filter, counts, onChange }: { filter: JourneyFilter; counts: { active: number; archived: number }; onChange: (f: Partial<JourneyFilter>) => void }) {
  const t = useT();
  return (
    <div className="jfilters">
      <div role="tablist" aria-label={t('journeys.title')} className="tabs jfilters__views">
        <button type="button" role="tab" aria-selected={!filter.archived} aria-controls="journeys-view" className="tabs__tab" onClick={() => onChange({ archived: false })}>
          {t('journeys.view.active')} <span className="count">{counts.active}</span>
        </button>
        <button type="button" role="tab" aria-selected={filter.archived} aria-controls="journeys-view" className="tabs__tab" onClick={() => onChange({ archived: true })}>
          {t('journeys.view.archived')} <span className="count">{counts.archived}</span>
        </button>
      </div>
      <label className="jfilters__search">
        <Search size={15} aria-hidden />
        <input type="search" aria-label={t('journeys.search')} placeholder={t('journeys.search.placeholder')} value={filter.search} onChange={(e) => onChange({ search: e.target.value })} />
      </label>
      {!filter.archived && (
        <label className="jfilters__status">
          <span className="muted">{t('journeys.col.status')}</span>
          <select value={filter.status} onChange={(e) => onChange({ status: e.target.value as StatusFilter })}>
            {statusFilters.map((s) => (
              <option key={s} value={s}>
                {t(statusLabels[s])}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

function FilteredJourneys({ journeys, filter }: { journeys: JourneySummary[]; filter: JourneyFilter }) {
  const t = useT();
  if (journeys.length > 0) return <JourneysTable journeys={journeys} archived={filter.archived} />;
  const narrowed = filter.search.trim() !== '' || (!filter.archived && filter.status !== 'all');
  return (
    <div className="placeholder" role="status">
      {narrowed ? t('journeys.noMatch') : filter.archived ? t('journeys.noArchived') : t('journeys.allArchived')}
    </div>
  );
}

function JourneysTable({ journeys, archived }: { journeys: JourneySummary[]; archived: boolean }) {
  const t = useT();
  const rows = [...journeys].sort((a, b) => b.updatedAt - a.updatedAt);
  return (
    <div className="card">
      <table className="table" aria-label={archived ? t('journeys.archived') : t('journeys.title')}>
        <thead>
          <tr>
            <th scope="col">{t('journeys.col.name')}</th>
            <th scope="col">{t('journeys.col.status')}</th>
            <th scope="col" className="num">
              {t('journeys.col.version')}
            </th>
            <th scope="col" className="num">
              {t('journeys.col.activeUsers')}
            </th>
            <th scope="col" className="num">
              {t('journeys.col.nodes')}
            </th>
            <th scope="col">{t('journeys.col.problems')}</th>
            <th scope="col">{t('journeys.col.lastChange')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((j) => (
            <tr key={j.id}>
              <td>
                <Link to={`/journeys/${encodeURIComponent(j.id)}`} className="table__name">
                  {j.name}
                </Link>
                {j.description && (
                  <div className="table__sub" title={j.description}>
                    {j.description}
                  </div>
                )}
              </td>
              <td>
                <StatusBadge status={j.status} error={j.error} />
                {j.error !== null && j.status !== 'archived' && (
                  <div className="errored-reason" title={j.error}>
                    {j.error}
                  </div>
                )}
              </td>
              <td className="num">{j.version === null ? <span className="muted">—</span> : `v${j.version}`}</td>
              <td className="num">{formatCount(j.activeUsers)}</td>
              <td className="num">{j.nodeCount}</td>
              <td>
                {j.errorCount > 0 ? (
                  <span className="problems-count problems-count--bad">
                    <CircleAlert size={14} aria-hidden /> {j.errorCount}
                  </span>
                ) : (
                  <span className="problems-count problems-count--ok" aria-label={t('journeys.noProblems')}>
                    <CircleCheck size={14} aria-hidden /> {t('journeys.none')}
                  </span>
                )}
              </td>
              <td className="muted">
                <RelativeTime ms={j.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
