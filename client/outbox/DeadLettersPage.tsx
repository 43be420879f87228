import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { channelLabels } from '../../shared/journey/channels';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { errorText } from '../components/errorText';
import { formatUtcMinute } from '../format';
import { describeGroup, errorLabel, resultLine, selectedGroup } from './deadLetters';

type DeadLetters = RouterOutputs['channels']['deadLetters'];
type Group = DeadLetters['groups'][number];
type Selection = { ids: number[] } | { channel: Group['channel']; error: string | null };

/**
 * Messages that kept failing until their retry horizon ran out, grouped by
 * channel and error: re-drive sends them again (under the same key, attempts
 * reset), discard gives them up. Both are audited. The URL keeps the group
 * shown (`?channel=sms&error=HTTP%20503`).
 */
export function DeadLettersPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const analyst = useAuth().can('analyst');
  const [params, setParams] = useSearchParams();
  const group = selectedGroup(params);
  const dead = useQuery({ ...trpc.channels.deadLetters.queryOptions(group ? { ...group, limit: 500 } : { limit: 200 }), enabled: analyst, refetchInterval: 10_000 });
  const [result, setResult] = useState<string | null>(null);
  // the discard that waits for its confirming click, by what it selects
  const [confirming, setConfirming] = useState<string | null>(null);
  const done = (line: string) => {
    setResult(line);
    setConfirming(null);
    void qc.invalidateQueries({ queryKey: trpc.channels.deadLetters.queryKey() });
  };
  const redrive = useMutation(trpc.channels.redrive.mutationOptions({ onSuccess: (r) => done(resultLine('redriven', r.redriven)) }));
  const discard = useMutation(trpc.channels.discard.mutationOptions({ onSuccess: (r) => done(resultLine('discarded', r.discarded)) }));
  const busy = redrive.isPending || discard.isPending;
  const failure = redrive.error ?? discard.error;
  const act = {
    redrive: (s: Selection) => {
      setResult(null);
      redrive.mutate(s);
    },
    discard: (s: Selection, key: string) => {
      setResult(null);
      if (confirming !== key) return setConfirming(key);
      discard.mutate(s);
    },
  };

  return (
    <main className="page page--wide">
      <div className="page__header">
        <div>
          <h1>Dead letters</h1>
          <p className="muted">Messages still failing when their retry horizon ran out. Re-drive sends them again under the same key; discard gives them up for good.</p>
        </div>
        <Link to="/outbox" className="btn">
          Outbox
        </Link>
      </div>
      {result && (
        <div className="banner banner--ok" role="status">
          {result}
        </div>
      )}
      {failure && (
        <div className="banner banner--error" role="alert">
          {errorText(failure)}
        </div>
      )}
      {!analyst ? (
        <div className="placeholder">Dead letters need the analyst role.</div>
      ) : dead.isPending ? (
        <Loading what="dead letters" />
      ) : dead.isError ? (
        <LoadError error={dead.error} />
      ) : dead.data.groups.length === 0 ? (
        <div className="placeholder">No dead letters: every message was sent, or is still being tried.</div>
      ) : (
        <>
          <div className="card">
            <table className="table" aria-label="Dead letters by channel and error">
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Error</th>
                  <th scope="col" className="num">
                    Messages
                  </th>
                  <th scope="col">Died</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {dead.data.groups.map((g) => {
                  const key = `${g.channel}\u0000${g.error ?? ''}`;
                  const selection = { channel: g.channel, error: g.error };
                  return (
                    <tr key={key} aria-label={describeGroup(g)}>
                      <td>{channelLabels[g.channel] ?? g.channel}</td>
                      <td>
                        <code>{errorLabel(g.error)}</code>
                      </td>
                      <td className="num">{g.count.toLocaleString('en-US')}</td>
                      <td className="muted nowrap">
                        {formatUtcMinute(g.oldest)}
                        {g.newest !== g.oldest && ` – ${formatUtcMinute(g.newest)}`}
                      </td>
                      <td className="nowrap">
                        <button type="button" className="btn btn--small" onClick={() => setParams({ channel: g.channel, error: g.error ?? '' })}>
                          Show
                        </button>{' '}
                        <button type="button" className="btn btn--small" disabled={busy} onClick={() => act.redrive(selection)}>
                          Re-drive all
                        </button>{' '}
                        <button type="button" className="btn btn--small" disabled={busy} onClick={() => act.discard(selection, key)}>
                          {confirming === key ? `Confirm: discard ${g.count.toLocaleString('en-US')}` : 'Discard all…'}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <h2>{group ? `${channelLabels[group.channel]}: ${errorLabel(group.error)}` : 'Newest'}</h2>
          {group && (
            <button type="button" className="btn btn--small" onClick={() => setParams({})}>
              All groups
            </button>
          )}
          <Messages rows={dead.data.messages} busy={busy} confirming={confirming} onRedrive={(id) => act.redrive({ ids: [id] })} onDiscard={(id) => act.discard({ ids: [id] }, `id:${id}`)} />
        </>
      )}
    </main>
  );
}

function Messages({
  rows,
  busy,
  confirming,
  onRedrive,
  onDiscard,
}: {
  rows: DeadLetters['messages'];
  busy: boolean;
  confirming: string | null;
  onRedrive: (id: number) => void;
  onDiscard: (id: number) => void;
}) {
  if (rows.length === 0) return <div className="placeholder">None in this group.</div>;
  return (
    <div className="card">
      <table className="table" aria-label="Dead letters">
        <thead>
          <tr>
            <th scope="col">Died</th>
            <th scope="col">Contact</th>
            <th scope="col">Journey</th>
            <th scope="col">Template</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col">Last error</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.id} data-message={m.id}>
              <td className="muted nowrap">{formatUtcMinute(m.diedAt)}</td>
              <td>{m.externalId ? <Link to={`/contacts/${encodeURIComponent(m.externalId)}`}>{m.externalId}</Link> : <span className="muted">anonymous</span>}</td>
              <td>
                <Link to={`/journeys/${encodeURIComponent(m.journeyId)}`}>{m.journeyName ?? m.journeyId}</Link>
                <div className="muted small">{m.nodeId}</div>
              </td>
              <td>
                <code>{m.template}</code>
              </td>
              <td className="num">{m.attempts}</td>
              <td>
                <code>{errorLabel(m.error)}</code>
              </td>
              <td className="nowrap">
                <button type="button" className="btn btn--small" disabled={busy} aria-label={`Re-drive message ${m.id}`} onClick={() => onRedrive(m.id)}>
                  Re-drive
                </button>{' '}
                <button type="button" className="btn btn--small" disabled={busy} aria-label={`Discard message ${m.id}`} onClick={() => onDiscard(m.id)}>
                  {confirming === `id:${m.id}` ? 'Confirm discard' : 'Discard…'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
