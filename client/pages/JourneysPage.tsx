import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { CircleAlert, CircleCheck, Plus, Search } from 'lucide-react';
import { formatCount } from '../format';
import { useTRPC, type JourneySummary } from '../trpc';
import { StatusBadge } from '../components/StatusBadge';
import { RelativeTime } from '../components/RelativeTime';
import { LoadError, Loading } from '../components/QueryState';
import { NewJourneyDialog } from './NewJourneyDialog';
import { useAuth } from '../auth/AuthContext';
import { countByView, filterJourneys, readJourneyFilter, statusFilters, writeJourneyFilter, type JourneyFilter, type StatusFilter } from './journeyFilter';

const statusLabels: Record<StatusFilter, string> = { all: 'All statuses', draft: 'Draft', live: 'Live', paused: 'Paused', errored: 'Errored' };

/**
 * All journeys of the workspace, newest change first, and the way to start a
 * new one. Search (name and description) and a status filter narrow the
 * list; archived journeys are listed apart, in their own view. The filter
 * lives in the URL.
 */
export function JourneysPage() {
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
          <h1>Journeys</h1>
          <p className="muted">Recall and conversion flows: who enters, which channel, what waits, when a contact leaves.</p>
        </div>
        {operates && (
          <button type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
            <Plus size={16} aria-hidden />
            New journey
          </button>
        )}
      </div>
      {list.isPending ? (
        <Loading what="journeys" />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : list.data.length === 0 ? (
        <div className="placeholder">No journeys yet. Start one from a blueprint or from scratch.</div>
      ) : (
        <>
          <JourneyFilters filter={filter} counts={countByView(list.data)} onChange={setFilter} />
          <div role="tabpanel" id="journeys-view" aria-label={filter.archived ? 'Archived journeys' : 'Active journeys'}>
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
  return (
    <div className="jfilters">
      <div role="tablist" aria-label="Journeys" className="tabs jfilters__views">
        <button type="button" role="tab" aria-selected={!filter.archived} aria-controls="journeys-view" className="tabs__tab" onClick={() => onChange({ archived: false })}>
          Active <span className="count">{counts.active}</span>
        </button>
        <button type="button" role="tab" aria-selected={filter.archived} aria-controls="journeys-view" className="tabs__tab" onClick={() => onChange({ archived: true })}>
          Archived <span className="count">{counts.archived}</span>
        </button>
      </div>
      <label className="jfilters__search">
        <Search size={15} aria-hidden />
        <input type="search" aria-label="Search journeys" placeholder="Search by name or description" value={filter.search} onChange={(e) => onChange({ search: e.target.value })} />
      </label>
      {!filter.archived && (
        <label className="jfilters__status">
          <span className="muted">Status</span>
          <select value={filter.status} onChange={(e) => onChange({ status: e.target.value as StatusFilter })}>
            {statusFilters.map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

function FilteredJourneys({ journeys, filter }: { journeys: JourneySummary[]; filter: JourneyFilter }) {
  if (journeys.length > 0) return <JourneysTable journeys={journeys} archived={filter.archived} />;
  const narrowed = filter.search.trim() !== '' || (!filter.archived && filter.status !== 'all');
  return (
    <div className="placeholder" role="status">
      {narrowed
        ? 'No journey matches this search and filter.'
        : filter.archived
          ? 'No archived journeys. Archiving a journey (from its page) moves it here.'
          : 'Every journey is archived. Start a new one, or duplicate an archived one.'}
    </div>
  );
}

function JourneysTable({ journeys, archived }: { journeys: JourneySummary[]; archived: boolean }) {
  const rows = [...journeys].sort((a, b) => b.updatedAt - a.updatedAt);
  return (
    <div className="card">
      <table className="table" aria-label={archived ? 'Archived journeys' : 'Journeys'}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Version
            </th>
            <th scope="col" className="num">
              Active users
            </th>
            <th scope="col" className="num">
              Nodes
            </th>
            <th scope="col">Problems</th>
            <th scope="col">Last change</th>
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
                  <span className="problems-count problems-count--ok" aria-label="no problems">
                    <CircleCheck size={14} aria-hidden /> none
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
