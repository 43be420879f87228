import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { ApprovalBadges } from './ApprovalBadges';
import { approvalPath, kindLabels, type ApprovalRow, type ApprovalStatus } from './approvalLabels';

const tabs: { id: ApprovalStatus | 'all'; label: string }[] = [
  { id: 'pending', label: 'Pending' },
  { id: 'approved', label: 'Approved' },
  { id: 'rejected', label: 'Rejected' },
  { id: 'all', label: 'All' },
];

/** Four-eyes requests: what waits for a second pair of eyes, and what was decided. The tab lives in the URL (`?status=`). */
export function ApprovalsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const tab = tabs.find((t) => t.id === params.get('status'))?.id ?? 'pending';
  const list = useQuery({ ...trpc.approvals.list.queryOptions(tab === 'all' ? {} : { status: tab }), refetchInterval: 15_000 });

  return (
    <main className="page">
      <div className="page__header">
        <div>
          <h1>Approvals</h1>
          <p className="muted">Publishing a journey, a new version of a template a live journey uses, and promoting an A/B winner wait here for someone else to approve.</p>
        </div>
      </div>
      <div role="tablist" aria-label="Status" className="tabs tabs--page">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls="approvals-list"
            className="tabs__tab"
            onClick={() => setParams(t.id === 'pending' ? {} : { status: t.id }, { replace: true })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="approvals-list" role="tabpanel">
        {list.isPending ? (
          <Loading what="requests" />
        ) : list.isError ? (
          <LoadError error={list.error} />
        ) : list.data.length === 0 ? (
          <div className="placeholder">{tab === 'pending' ? 'Nothing waits for approval.' : 'No requests here.'}</div>
        ) : (
          <ApprovalsTable rows={list.data} />
        )}
      </div>
    </main>
  );
}

function ApprovalsTable({ rows }: { rows: ApprovalRow[] }) {
  return (
    <div className="card">
      <table className="table" aria-label="Requests">
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">Change</th>
            <th scope="col">Requested by</th>
            <th scope="col">When</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={approvalPath(r.id)} className="table__name">
                  {r.objectName}
                </Link>
                <div className="table__sub">{kindLabels[r.kind]}</div>
              </td>
              <td>
                <div className="table__sub">{r.summary}</div>
              </td>
              <td>{r.requestedBy.displayName}</td>
              <td className="muted nowrap">
                <RelativeTime ms={r.requestedAt} />
              </td>
              <td>
                <ApprovalBadges request={r} />
                {r.decidedBy && <div className="table__sub">by {r.decidedBy.displayName}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
