import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { ApprovalBadges } from './ApprovalBadges';
import { approvalPath, kindLabels, type ApprovalRow, type ApprovalStatus } from './approvalLabels';
import { approvalSummary } from './approvalSummary';

const tabs: { id: ApprovalStatus | 'all'; label: string }[] = [
  { id: 'pending', label: msg('approvals.status.pending') },
  { id: 'approved', label: msg('approvals.status.approved') },
  { id: 'rejected', label: msg('approvals.status.rejected') },
  { id: 'all', label: msg('approvals.all') },
];

/** Four-eyes requests: what waits for a second pair of eyes, and what was decided. The tab lives in the URL (`?status=`). */
export function ApprovalsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const t = useT();
  const tab = tabs.find((x) => x.id === params.get('status'))?.id ?? 'pending';
  const list = useQuery({ ...trpc.approvals.list.queryOptions(tab === 'all' ? {} : { status: tab }), refetchInterval: 15_000 });

  return (
    <main className="page">
      <div className="page__header">
        <div>
          <h1>{t('layout.nav.approvals')}</h1>
          <p className="muted">{t('approvals.lede')}</p>
        </div>
      </div>
      <div role="tablist" aria-label={t('journeys.col.status')} className="tabs tabs--page">
        {tabs.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            aria-selected={tab === x.id}
            aria-controls="approvals-list"
            className="tabs__tab"
            onClick={() => setParams(x.id === 'pending' ? {} : { status: x.id }, { replace: true })}
          >
            {t(x.label)}
          </button>
        ))}
      </div>
      <div id="approvals-list" role="tabpanel">
        {list.isPending ? (
          <Loading what={t('approvals.loading')} />
        ) : list.isError ? (
          <LoadError error={list.error} />
        ) : list.data.length === 0 ? (
          <div className="placeholder">{tab === 'pending' ? t('approvals.nonePending') : t('approvals.none')}</div>
        ) : (
          <ApprovalsTable rows={list.data} />
        )}
      </div>
    </main>
  );
}

function ApprovalsTable({ rows }: { rows: ApprovalRow[] }) {
  const t = useT();
  return (
    <div className="card">
      <table className="table" aria-label={t('approvals.requests')}>
        <thead>
          <tr>
            <th scope="col">{t('approvals.col.request')}</th>
            <th scope="col">{t('approvals.col.change')}</th>
            <th scope="col">{t('approvals.col.requestedBy')}</th>
            <th scope="col">{t('approvals.col.when')}</th>
            <th scope="col">{t('journeys.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={approvalPath(r.id)} className="table__name">
                  {r.objectName}
                </Link>
                <div className="table__sub">{t(kindLabels[r.kind])}</div>
              </td>
              <td>
                <div className="table__sub">{approvalSummary(t, r)}</div>
              </td>
              <td>{r.requestedBy.displayName}</td>
              <td className="muted nowrap">
                <RelativeTime ms={r.requestedAt} />
              </td>
              <td>
                <ApprovalBadges request={r} />
                {r.decidedBy && <div className="table__sub">{t('approvals.by', { who: r.decidedBy.displayName })}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
