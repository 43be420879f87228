import { useT } from '../i18n/useT';
import { stepText } from './stepText';
import { useErrorText } from '../i18n/serverText';
import { channelMessages } from '../i18n/registryMessages';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatCount, formatPercent, formatYuan } from '../format';
import { useTRPC } from '../trpc';
import { OVERLAY_REFRESH_MS, overlayRange, type OverlayParams } from './useOverlay';
import { HoldoutUplift } from './UpliftPanel';
import { JourneyTrends } from './TrendsChart';

/**
 * One node's recipients through the journey's funnel (sent → clicked →
 * logged in → applied → approved → drawn, the steps the journey tracks in
 * business order, each counted after the step above, with the rule named on
 * screen), the same split by variant, the cost per conversion, the uplift at
 * a holdout split, and a sample of contacts to open on their timeline.
 */
export function FunnelPanel({ journeyId, nodeId, params }: { journeyId: string; nodeId: string; params: OverlayParams }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const f = useQuery({
    ...trpc.analytics.nodeFunnel.queryOptions({ journeyId, nodeId, ...overlayRange(params) }),
    refetchInterval: OVERLAY_REFRESH_MS,
  });
  if (f.isPending) return <p className="muted panel">{t('common.loading', { what: t('funnel.loading') })}</p>;
  if (f.isError) return <p className="sf__errors panel">{errorText(f.error)}</p>;
  const d = f.data;
  const top = d.steps[0]?.count ?? 0;
  return (
    <section className="panel funnel" aria-label={t('funnel.of', { title: d.title })}>
      <h2 className="panel__title">
        {t('funnel.title', { title: d.title })}
        {d.channel && <span className="muted"> · {t(channelMessages[d.channel])}</span>}
      </h2>
      <ol className="funnel__steps" aria-label={t('field.funnelSteps')}>
        {d.steps.map((s) => (
          <li key={s.key} className="funnel__step" data-step={s.key}>
            <span className="funnel__label">{stepText(t, { event: s.key, label: s.label })}</span>
            <span className="funnel__bar">
              <span style={{ width: `${top > 0 ? Math.max(s.count > 0 ? 2 : 0, (s.count / top) * 100) : 0}%` }} />
            </span>
            <span className="funnel__count">{formatCount(s.count)}</span>
            <span className="funnel__rate muted" title={t('funnel.rate.title')}>
              {formatPercent(s.rate)}
              {s.ofPrevious !== null ? ` · ${t('funnel.ofPrevious', { rate: formatPercent(s.ofPrevious) })}` : ''}
            </span>
          </li>
        ))}
      </ol>
      <p className="sf__help funnel__rule">{t('funnel.rule', { days: d.windowDays })}</p>
      {d.holdout !== null && <HoldoutUplift journeyId={journeyId} nodeId={nodeId} params={params} />}
      <JourneyTrends journeyId={journeyId} nodeId={nodeId} params={params} />
      {d.channel && (
        <p className="funnel__cost">
          {t('funnel.cost', { total: formatYuan(d.cost.total), units: formatCount(d.cost.units), goal: d.goal ?? t('funnel.noGoal') })} <strong>{formatYuan(d.cost.perConversion)}</strong>
        </p>
      )}
      {d.byVariant.length > 0 && (
        <table className="table funnel__variants" aria-label={t('funnel.byVariant')}>
          <thead>
            <tr>
              <th scope="col">{t('funnel.variant')}</th>
              <th scope="col" className="num">
                {t('funnel.sent')}
              </th>
              <th scope="col">{t('funnel.clickRate')}</th>
              {Object.keys(d.byVariant[0]?.reached ?? {}).map((e) => (
                <th key={e} scope="col" className="num">
                  {e}
                </th>
              ))}
              <th scope="col">{t('funnel.conversion')}</th>
            </tr>
          </thead>
          <tbody>
            {d.byVariant.map((v) => (
              <tr key={v.variant}>
                <th scope="row">{v.variant.toUpperCase()}</th>
                <td className="num">{formatCount(v.sent)}</td>
                <td>{formatPercent(v.clickRate)}</td>
                {Object.entries(v.reached).map(([e, n]) => (
                  <td key={e} className="num">
                    {formatCount(n)}
                  </td>
                ))}
                <td>{formatPercent(v.conversionRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 className="funnel__h3">{t('funnel.contacts')}</h3>
      {d.sample.length === 0 ? (
        <p className="muted">{t('funnel.nobody')}</p>
      ) : (
        <ul className="funnel__sample" aria-label={t('funnel.sample')}>
          {d.sample.map((s, i) => (
            <li key={i}>
              {s.externalId ? <Link to={`/contacts/${encodeURIComponent(s.externalId)}`}>{s.externalId}</Link> : <span className="muted">{t('outbox.anonymous')}</span>}
              <span className="muted">
                {' '}
                {s.variant ? `· ${s.variant.toUpperCase()} ` : ''}· {s.status}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
