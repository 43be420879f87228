import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { CircleAlert, CircleCheck, Plus } from 'lucide-react';
import { formatCount } from '../format';
import { useTRPC, type JourneySummary } from '../trpc';
import { StatusBadge } from '../components/StatusBadge';
import { RelativeTime } from '../components/RelativeTime';
import { LoadError, Loading } from '../components/QueryState';
import { NewJourneyDialog } from './NewJourneyDialog';
import { useAuth } from '../auth/AuthContext';

/** All journeys of the workspace, newest change first, and the way to start a new one. */
export function JourneysPage() {
  const trpc = useTRPC();
  const list = useQuery(trpc.journeys.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const operates = useAuth().can('operator');

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
        <JourneysTable journeys={list.data} />
      )}
      {creating && <NewJourneyDialog onClose={() => setCreating(false)} />}
    </main>
  );
}

function JourneysTable({ journeys }: { journeys: JourneySummary[] }) {
  const rows = [...journeys].sort((a, b) => b.updatedAt - a.updatedAt);
  return (
    <div className="card">
      <table className="table" aria-label="Journeys">
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
