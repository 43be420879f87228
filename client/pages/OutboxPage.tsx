import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { channelLabels } from '../../shared/journey/channels';
import { describeReason } from '../../shared/policy/describe';
import { messageStatuses, type MessageStatus } from '../../shared/outbox/status';
import { formatUtcMinute } from '../format';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';

/**
 * The outbox as ops read it: every message the engine queued, held back or
 * sent, newest first, filtered by journey, contact and status (the URL keeps
 * the filter, so a view can be shared).
 */
export function OutboxPage() {
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
          <h1>Outbox</h1>
          <p className="muted">Messages the journeys queued, held back or sent, newest first.</p>
        </div>
      </div>
      <form className="filters" aria-label="Filter the outbox" onSubmit={(e) => e.preventDefault()}>
        <label>
          Journey
          <select value={journeyId ?? ''} onChange={(e) => set('journey', e.target.value)}>
            <option value="">All journeys</option>
            {journeys.data?.map((j) => (
              <option key={j.id} value={j.id}>
                {j.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Contact
          <input type="search" value={externalId ?? ''} placeholder="user id" onChange={(e) => set('contact', e.target.value.trim())} />
        </label>
        <label>
          Status
          <select value={status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">Any status</option>
            {messageStatuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      {out.isPending ? (
        <Loading what="outbox" />
      ) : out.isError ? (
        <LoadError error={out.error} />
      ) : out.data.length === 0 ? (
        <div className="placeholder">No messages match.</div>
      ) : (
        <div className="card">
          <table className="table" aria-label="Outbox">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Contact</th>
                <th scope="col">Channel</th>
                <th scope="col">Template</th>
                <th scope="col">Status</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {out.data.map((m) => (
                <tr key={m.id} data-channel={m.channel} data-contact={m.externalId ?? ''}>
                  <td className="muted nowrap">{formatUtcMinute(m.createdAt)}</td>
                  <td>{m.externalId ? <Link to={`/contacts/${encodeURIComponent(m.externalId)}`}>{m.externalId}</Link> : <span className="muted">anonymous</span>}</td>
                  <td>{channelLabels[m.channel] ?? m.channel}</td>
                  <td>
                    <code>{m.template}</code>
                    {m.variant && <span className="muted"> · {m.variant.toUpperCase()}</span>}
                  </td>
                  <td>
                    <span className={`status status--${m.status}`}>{m.status}</span>
                    {m.reason && <div className="muted small">{describeReason(m.reason)}</div>}
                  </td>
                  <td className="table__body">{m.body}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
