import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, ArrowRightLeft } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { LoadError, Loading } from '../components/QueryState';
import { formatCount } from '../format';
import './migrate.css';

type Plan = RouterOutputs['migrations']['plan'];
type Mapping = Record<string, string | null>;

/**
 * Live-version migration, side by side: the old version's nodes on the left,
 * each with its contacts in flight and where they go (the automatic mapping,
 * which the operator overrides per node, or "stay"); the live version's
 * nodes on the right with who would arrive. The counts are the server's,
 * recomputed for the mapping chosen; the move is one audited transaction.
 */
export function MigratePage() {
  const { id = '' } = useParams();
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [fromVersion, setFromVersion] = useState<number | undefined>(undefined);
  const [overrides, setOverrides] = useState<Mapping>({});
  const plan = useQuery({ ...trpc.migrations.plan.queryOptions({ id, fromVersion, overrides }), placeholderData: (previous) => previous });
  const migrate = useMutation(trpc.migrations.migrate.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.migrations.plan.pathKey() }) }));

  if (plan.isPending) return <Loading what={t('migrate.loading')} />;
  if (plan.isError) return <LoadError error={plan.error} />;
  const p = plan.data;
  const done = migrate.data;
  return (
    <main className="page page--wide migrate">
      <div className="page__header">
        <div>
          <Link to={`/journeys/${encodeURIComponent(id)}`} className="muted">
            <ArrowLeft size={14} aria-hidden /> {t('migrate.back', { name: p.name })}
          </Link>
          <h1>{t('migrate.heading', { from: p.from.version, to: p.to.version })}</h1>
          <p className="muted">{t('migrate.intro', { from: p.from.version, to: p.to.version })}</p>
        </div>
      </div>
      {p.sources.length > 1 && (
        <label className="migrate__source">
          {t('migrate.from')}{' '}
          <select
            value={p.from.version}
            onChange={(e) => {
              setFromVersion(Number(e.target.value));
              setOverrides({});
            }}
          >
            {p.sources.map((s) => (
              <option key={s.version} value={s.version}>
                {t('migrate.source', { version: s.version, n: s.inFlight })}
              </option>
            ))}
          </select>
        </label>
      )}
      <SideBySide plan={p} onMap={(node, to) => setOverrides((o) => ({ ...o, [node]: to }))} disabled={migrate.isPending} />
      <p className="migrate__totals" role="status" aria-live="polite">
        {t('migrate.totals', { moving: p.totals.moving, inFlight: p.totals.inFlight, staying: p.totals.staying, from: p.from.version })}
      </p>
      {done && (
        <p className="banner" role="status">
          {t('migrate.done', { moved: done.moved, stayed: done.stayed, from: done.fromVersion, to: done.toVersion })}
        </p>
      )}
      {migrate.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(migrate.error)}
        </p>
      )}
      <div className="dialog__actions">
        <button
          type="button"
          className="btn btn--primary"
          disabled={p.totals.moving === 0 || migrate.isPending || plan.isFetching}
          onClick={() => migrate.mutate({ id, fromVersion: p.from.version, overrides })}
        >
          <ArrowRightLeft size={15} aria-hidden /> {migrate.isPending ? t('migrate.applying') : t('migrate.apply', { n: p.totals.moving, to: p.to.version })}
        </button>
      </div>
    </main>
  );
}

/** The two versions' nodes in two columns; each old node's select says where its contacts go. */
function SideBySide({ plan: p, onMap, disabled }: { plan: Plan; onMap: (node: string, to: string | null) => void; disabled: boolean }) {
  const t = useT();
  const arriving = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of p.rows) if (r.to !== null) m.set(r.to, (m.get(r.to) ?? 0) + r.movable);
    return m;
  }, [p.rows]);
  const rows = new Map(p.rows.map((r) => [r.nodeId, r]));
  return (
    <div className="migrate__sides">
      <section className="card migrate__side" aria-label={t('migrate.oldNodes', { version: p.from.version })}>
        <h2>{t('migrate.oldNodes', { version: p.from.version })}</h2>
        <table className="table">
          <thead>
            <tr>
              <th>{t('migrate.node')}</th>
              <th className="num">{t('migrate.inFlight')}</th>
              <th>{t('migrate.target')}</th>
            </tr>
          </thead>
          <tbody>
            {p.from.nodes.map((n) => {
              const r = rows.get(n.id);
              return (
                <tr key={n.id} data-node={n.id}>
                  <td>
                    {n.title} <span className="muted small">{n.id}</span>
                  </td>
                  <td className="num">
                    {formatCount(r?.inFlight ?? 0)}
                    {r && r.due > 0 && <div className="muted small">{t('migrate.due', { n: r.due })}</div>}
                    {r && r.inTarget > 0 && <div className="muted small">{t('migrate.inTarget', { n: r.inTarget, to: p.to.version })}</div>}
                    {r && r.awaitingOutcome > 0 && <div className="muted small">{t('migrate.awaiting', { n: r.awaitingOutcome })}</div>}
                  </td>
                  <td>
                    <select aria-label={t('migrate.targetFor', { node: n.title })} value={r?.to ?? ''} disabled={disabled} onChange={(e) => onMap(n.id, e.target.value === '' ? null : e.target.value)}>
                      <option value="">{t('migrate.stay', { version: p.from.version })}</option>
                      {p.to.nodes.map((m) => (
                        <option key={m.id} value={m.id}>
                          {m.title} ({m.id})
                        </option>
                      ))}
                    </select>
                    {r?.mode && <div className="muted small">{r.mode === 'keep' ? t('migrate.mode.keep') : t('migrate.mode.restart')}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section className="card migrate__side" aria-label={t('migrate.newNodes', { version: p.to.version })}>
        <h2>{t('migrate.newNodes', { version: p.to.version })}</h2>
        <table className="table">
          <thead>
            <tr>
              <th>{t('migrate.node')}</th>
              <th className="num">{t('migrate.arriving')}</th>
            </tr>
          </thead>
          <tbody>
            {p.to.nodes.map((n) => (
              <tr key={n.id} data-node={n.id}>
                <td>
                  {n.title} <span className="muted small">{n.id}</span>
                </td>
                <td className="num">{formatCount(arriving.get(n.id) ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
