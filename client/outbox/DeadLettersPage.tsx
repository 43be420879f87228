import { useT } from '../i18n/useT';
import { channelMessages } from '../i18n/registryMessages';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { useErrorText } from '../i18n/serverText';
import { formatCount, formatUtcMinute } from '../format';
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
  const t = useT();
  const errorText = useErrorText();
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
  const redrive = useMutation(trpc.channels.redrive.mutationOptions({ onSuccess: (r) => done(resultLine(t, 'redriven', r.redriven)) }));
  const discard = useMutation(trpc.channels.discard.mutationOptions({ onSuccess: (r) => done(resultLine(t, 'discarded', r.discarded)) }));
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
          <h1>{t('layout.nav.deadLetters')}</h1>
          <p className="muted">{t('deadLetters.lede')}</p>
        </div>
        <Link to="/outbox" className="btn">
          {t('layout.nav.outbox')}
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
        <div className="placeholder">{t('deadLetters.analystOnly')}</div>
      ) : dead.isPending ? (
        <Loading what={t('deadLetters.loading')} />
      ) : dead.isError ? (
        <LoadError error={dead.error} />
      ) : dead.data.groups.length === 0 ? (
        <div className="placeholder">{t('deadLetters.none')}</div>
      ) : (
        <>
          <div className="card">
            <table className="table" aria-label={t('deadLetters.groups')}>
              <thead>
                <tr>
                  <th scope="col">{t('field.channel')}</th>
                  <th scope="col">{t('deadLetters.col.error')}</th>
                  <th scope="col" className="num">
                    {t('deadLetters.col.messages')}
                  </th>
                  <th scope="col">{t('deadLetters.col.died')}</th>
                  <th scope="col">{t('deadLetters.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {dead.data.groups.map((g) => {
                  const key = `${g.channel}\u0000${g.error ?? ''}`;
                  const selection = { channel: g.channel, error: g.error };
                  return (
                    <tr key={key} aria-label={describeGroup(t, g)}>
                      <td>{t(channelMessages[g.channel])}</td>
                      <td>
                        <code>{errorLabel(t, g.error)}</code>
                      </td>
                      <td className="num">{formatCount(g.count)}</td>
                      <td className="muted nowrap">
                        {formatUtcMinute(g.oldest)}
                        {g.newest !== g.oldest && ` – ${formatUtcMinute(g.newest)}`}
                      </td>
                      <td className="nowrap">
                        <button type="button" className="btn btn--small" onClick={() => setParams({ channel: g.channel, error: g.error ?? '' })}>
                          {t('deadLetters.show')}
                        </button>{' '}
                        <button type="button" className="btn btn--small" disabled={busy} onClick={() => act.redrive(selection)}>
                          {t('deadLetters.redriveAll')}
                        </button>{' '}
                        <button type="button" className="btn btn--small" disabled={busy} onClick={() => act.discard(selection, key)}>
                          {confirming === key ? t('deadLetters.confirmDiscardAll', { n: g.count }) : t('deadLetters.discardAll')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <h2>{group ? `${t(channelMessages[group.channel])}: ${errorLabel(t, group.error)}` : t('deadLetters.newest')}</h2>
          {group && (
            <button type="button" className="btn btn--small" onClick={() => setParams({})}>
              {t('deadLetters.allGroups')}
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
  const t = useT();
  if (rows.length === 0) return <div className="placeholder">{t('deadLetters.noneInGroup')}</div>;
  return (
    <div className="card">
      <table className="table" aria-label={t('layout.nav.deadLetters')}>
        <thead>
          <tr>
            <th scope="col">{t('deadLetters.col.died')}</th>
            <th scope="col">{t('outbox.contact')}</th>
            <th scope="col">{t('outbox.journey')}</th>
            <th scope="col">{t('field.template')}</th>
            <th scope="col" className="num">
              {t('deadLetters.col.attempts')}
            </th>
            <th scope="col">{t('deadLetters.col.lastError')}</th>
            <th scope="col">{t('deadLetters.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.id} data-message={m.id}>
              <td className="muted nowrap">{formatUtcMinute(m.diedAt)}</td>
              <td>{m.externalId ? <Link to={`/contacts/${encodeURIComponent(m.externalId)}`}>{m.externalId}</Link> : <span className="muted">{t('outbox.anonymous')}</span>}</td>
              <td>
                <Link to={`/journeys/${encodeURIComponent(m.journeyId)}`}>{m.journeyName ?? m.journeyId}</Link>
                <div className="muted small">{m.nodeId}</div>
              </td>
              <td>
                <code>{m.template}</code>
              </td>
              <td className="num">{m.attempts}</td>
              <td>
                <code>{errorLabel(t, m.error)}</code>
              </td>
              <td className="nowrap">
                <button type="button" className="btn btn--small" disabled={busy} aria-label={t('deadLetters.redriveOne', { id: m.id })} onClick={() => onRedrive(m.id)}>
                  {t('deadLetters.redrive')}
                </button>{' '}
                <button type="button" className="btn btn--small" disabled={busy} aria-label={t('deadLetters.discardOne', { id: m.id })} onClick={() => onDiscard(m.id)}>
                  {confirming === `id:${m.id}` ? t('deadLetters.confirmDiscard') : t('deadLetters.discard')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
