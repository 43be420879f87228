import { useT } from '../i18n/useT';
import { auditObjectText } from './auditObjects';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useTRPC, useTRPCClient, type RouterOutputs } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { formatAbsolute } from '../format';
import { AuditFilters } from './AuditFilters';
import { auditQueryInput, compactDiff, readAuditFilters, withAuditFilter } from './auditFilters';

type AuditEvent = RouterOutputs['audit']['list']['rows'][number];

/** Every change, who made it, from where: the append-only audit log, newest first, filtered, a page at a time. */
export function AuditPage() {
  const t = useT();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const analyst = useAuth().can('analyst');
  const [params, setParams] = useSearchParams();
  const filters = readAuditFilters(params);
  const input = auditQueryInput(filters);
  // `before` is this procedure's cursor (not tRPC's `cursor`), so pages are fetched by hand rather than with infiniteQueryOptions
  const log = useInfiniteQuery({
    queryKey: [...trpc.audit.list.queryKey(input), 'pages'],
    queryFn: ({ pageParam }) => client.audit.list.query({ ...input, limit: 100, ...(pageParam === undefined ? {} : { before: pageParam }) }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    enabled: analyst,
  });
  const rows = log.data?.pages.flatMap((p) => p.rows) ?? [];

  return (
    <main className="page page--wide">
      <div className="page__header">
        <div>
          <h1>{t('audit.title')}</h1>
          <p className="muted">{t('audit.lede')}</p>
        </div>
      </div>
      {!analyst ? (
        <div className="placeholder">{t('audit.analystOnly')}</div>
      ) : (
        <>
          <AuditFilters value={filters} onChange={(k, v) => setParams(withAuditFilter(params, k, v), { replace: true })} />
          {log.isPending ? (
            <Loading what={t('audit.loading')} />
          ) : log.isError ? (
            <LoadError error={log.error} />
          ) : rows.length === 0 ? (
            <div className="placeholder">{t('audit.none')}</div>
          ) : (
            <>
              <AuditTable rows={rows} />
              {log.hasNextPage && (
                <div className="loadmore">
                  <button type="button" className="btn" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                    {log.isFetchingNextPage ? t('audit.loadingMore') : t('audit.loadMore')}
                  </button>
                </div>
              )}
            </>
          )}
        </>
      )}
    </main>
  );
}

function AuditTable({ rows }: { rows: AuditEvent[] }) {
  const t = useT();
  return (
    <div className="card">
      <table className="table audit" aria-label={t('audit.events')}>
        <thead>
          <tr>
            <th scope="col">{t('approvals.col.when')}</th>
            <th scope="col">{t('audit.col.who')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.object')}</th>
            <th scope="col">{t('approvals.col.change')}</th>
            <th scope="col">{t('audit.col.ip')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const diff = compactDiff(e.diff);
            return (
              <tr key={e.id}>
                <td className="nowrap">
                  <RelativeTime ms={e.at} />
                  <div className="table__sub">{formatAbsolute(e.at)}</div>
                </td>
                <td>{e.actor ? <span title={e.actor.login}>{e.actor.displayName}</span> : <span className="muted">{t('audit.system')}</span>}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  {e.objectType ? auditObjectText(t, e.objectType) : <span className="muted">—</span>}
                  {e.objectId && (
                    <div className="table__sub">
                      <code>{e.objectId}</code>
                    </div>
                  )}
                </td>
                <td>{diff ? <code className="audit__diff">{diff}</code> : <span className="muted">—</span>}</td>
                <td className="nowrap">{e.ip ?? <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
