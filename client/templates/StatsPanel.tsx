import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Trophy } from 'lucide-react';
import { formatCount, formatPercent } from '../format';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { approvalPath, requestOf } from '../approvals/approvalLabels';
import { promoteConsequence } from './promote';
import { VersionCompare } from './VersionCompare';
import { TemplateUsage } from './TemplateUsage';
import { VariantTrends } from './VariantTrends';
import './stats.css';

type Interval = { rate: number | null; low: number | null; high: number | null };

const ci = (i: Interval) => (i.rate === null ? '–' : `${formatPercent(i.rate)} (${formatPercent(i.low)}–${formatPercent(i.high)})`);
const p = (x: number | undefined) => (x === undefined ? '–' : x < 0.001 ? '< 0.001' : x.toFixed(3));

/**
 * How each variant does: sent, unique clicks, conversions, each rate with
 * its 95% interval, and a two-proportion test against the control, for one
 * version of the template (the current one unless picked), or two versions
 * compared. "Promote winner" asks first, saying what happens to the other
 * variants, then writes a new version with that variant at 100%.
 */
export function StatsPanel({ templateKey }: { templateKey: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useT();
  const errorText = useErrorText();
  const [metric, setMetric] = useState<'clicks' | 'conversions'>('clicks');
  /** undefined: the current version */
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [compareWith, setCompareWith] = useState<number | undefined>(undefined);
  const [confirming, setConfirming] = useState<string | null>(null);
  const writes = useAuth().can('copywriter');
  const stats = useQuery({ ...trpc.templates.stats.queryOptions({ key: templateKey, metric, ...(version ? { version } : {}) }), refetchInterval: 10_000 });
  const promote = useMutation(
    trpc.templates.promote.mutationOptions({
      onSuccess: () => {
        setConfirming(null);
        setVersion(undefined);
        return Promise.all([
          qc.invalidateQueries({ queryKey: trpc.templates.get.queryKey({ key: templateKey }) }),
          qc.invalidateQueries({ queryKey: trpc.templates.stats.queryKey() }),
          qc.invalidateQueries({ queryKey: trpc.approvals.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.templates.compareVersions.queryKey() }),
        ]);
      },
    }),
  );
  const requested = requestOf(promote.data);
  if (stats.isPending)
    return (
      <section className="card" aria-label={t('stats.label')}>
        {t('common.loading', { what: t('stats.loading') })}
      </section>
    );
  if (stats.isError)
    return (
      <section className="card" aria-label={t('stats.label')}>
        {errorText(stats.error)}
      </section>
    );
  const s = stats.data;
  return (
    <section className="card stats" aria-label={t('stats.label')}>
      <div className="stats__head">
        <h2>{t('stats.title')}</h2>
        <label>
          {t('journeys.col.version')}
          <select aria-label={t('journeys.col.version')} value={s.version} onChange={(e) => setVersion(Number(e.target.value) === s.current ? undefined : Number(e.target.value))}>
            {s.versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
                {v.version === s.current ? ` ${t('stats.current')}` : ''} · {t('stats.sentCount', { n: formatCount(v.sent) })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('stats.compare')}
          <select aria-label={t('stats.compare')} value={compareWith ?? ''} onChange={(e) => setCompareWith(e.target.value ? Number(e.target.value) : undefined)}>
            <option value="">—</option>
            {s.versions
              .filter((v) => v.version !== s.version)
              .map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('stats.winnerBy')}
          <select value={metric} onChange={(e) => setMetric(e.target.value as 'clicks' | 'conversions')}>
            <option value="clicks">{t('stats.byClicks')}</option>
            <option value="conversions">{t('stats.byConversions')}</option>
          </select>
        </label>
      </div>
      <table className="table" aria-label={t('stats.results')}>
        <thead>
          <tr>
            <th scope="col">{t('funnel.variant')}</th>
            <th scope="col" className="num">
              {t('funnel.sent')}
            </th>
            <th scope="col" className="num">
              {t('stats.uniqueClicks')}
            </th>
            <th scope="col">{t('stats.clickRate')}</th>
            <th scope="col" className="num">
              {t('stats.conversions')}
            </th>
            <th scope="col">{t('stats.conversionRate')}</th>
            <th scope="col">{t('stats.pVs', { control: s.control.toUpperCase() })}</th>
          </tr>
        </thead>
        <tbody>
          {s.variants.map((v) => (
            <tr key={v.key} data-variant={v.key}>
              <th scope="row">
                {v.key.toUpperCase()} <span className="muted">{v.name}</span> {v.key === s.control && <span className="muted">{t('stats.control')}</span>}
              </th>
              <td className="num">{formatCount(v.sent)}</td>
              <td className="num">{formatCount(v.clicks)}</td>
              <td>{ci(v.clickRate)}</td>
              <td className="num">{formatCount(v.conversions)}</td>
              <td>{ci(v.conversionRate)}</td>
              <td>{v.vsControl ? p(v.vsControl[metric]?.pValue) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <VariantTrends templateKey={templateKey} version={s.version} />
      {compareWith !== undefined && compareWith !== s.version && <VersionCompare templateKey={templateKey} a={Math.min(s.version, compareWith)} b={Math.max(s.version, compareWith)} />}
      {s.winner ? (
        <div className="stats__winner" role="status">
          <Trophy size={16} aria-hidden /> {t('stats.wins', { key: s.winner.key.toUpperCase(), reason: s.winner.reason })}
          {writes && s.version === s.current && (
            <button type="button" className="btn btn--primary btn--small" disabled={promote.isPending || confirming !== null} onClick={() => s.winner && setConfirming(s.winner.key)}>
              {t('stats.promoteWinner')}
            </button>
          )}
        </div>
      ) : (
        <p className="muted">{t('stats.noWinner')}</p>
      )}
      {confirming !== null && (
        <div className="stats__confirm" role="alertdialog" aria-label={t('stats.promote.label')}>
          <p>
            {promoteConsequence(
              t,
              s.variants.filter((v) => v.weight > 0 || v.key === confirming),
              confirming,
              s.current,
            )}
          </p>
          <button type="button" className="btn btn--primary btn--small" disabled={promote.isPending} onClick={() => promote.mutate({ key: templateKey, variant: confirming })}>
            {t('stats.promote', { key: confirming.toUpperCase() })}
          </button>{' '}
          <button type="button" className="btn btn--small" onClick={() => setConfirming(null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {requested && (
        <p role="status">
          {t('stats.requested')} <Link to={approvalPath(requested.id)}>{t('publish.requested.link')}</Link>
        </p>
      )}
      {!requested && promote.data && 'version' in promote.data && <p role="status">{t('stats.promoted', { version: promote.data.version })}</p>}
      {promote.isError && <p className="sf__errors">{errorText(promote.error)}</p>}
      <TemplateUsage templateKey={templateKey} />
    </section>
  );
}
