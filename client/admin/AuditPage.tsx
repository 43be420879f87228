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
          <h1>Audit log</h1>
          <p className="muted">Every change: who made it, when, from which address, and what it was before and after.</p>
        </div>
      </div>
      {!analyst ? (
        <div className="placeholder">Reading the audit log needs the analyst role.</div>
      ) : (
        <>
          <AuditFilters value={filters} onChange={(k, v) => setParams(withAuditFilter(params, k, v), { replace: true })} />
          {log.isPending ? (
            <Loading what="the audit log" />
          ) : log.isError ? (
            <LoadError error={log.error} />
          ) : rows.length === 0 ? (
            <div className="placeholder">No changes match.</div>
          ) : (
            <>
              <AuditTable rows={rows} />
              {log.hasNextPage && (
                <div className="loadmore">
                  <button type="button" className="btn" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                    {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
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
  return (
    <div className="card">
      <table className="table audit" aria-label="Audit events">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Object</th>
            <th scope="col">Change</th>
            <th scope="col">IP</th>
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
                <td>{e.actor ? <span title={e.actor.login}>{e.actor.displayName}</span> : <span className="muted">system</span>}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  {e.objectType ?? <span className="muted">—</span>}
                  {e.objectId && <div className="table__sub">{e.objectId}</div>}
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
