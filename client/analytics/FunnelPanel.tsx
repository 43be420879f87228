import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { channelLabels } from '../../shared/journey/channels';
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
  const trpc = useTRPC();
  const f = useQuery({
    ...trpc.analytics.nodeFunnel.queryOptions({ journeyId, nodeId, ...overlayRange(params) }),
    refetchInterval: OVERLAY_REFRESH_MS,
  });
  if (f.isPending) return <p className="muted panel">Loading the funnel…</p>;
  if (f.isError) return <p className="sf__errors panel">{f.error.message}</p>;
  const d = f.data;
  const top = d.steps[0]?.count ?? 0;
  return (
    <section className="panel funnel" aria-label={`Funnel of ${d.title}`}>
      <h2 className="panel__title">
        Funnel · {d.title}
        {d.channel && <span className="muted"> · {channelLabels[d.channel]}</span>}
      </h2>
      <ol className="funnel__steps" aria-label="Funnel steps">
        {d.steps.map((s) => (
          <li key={s.key} className="funnel__step" data-step={s.key}>
            <span className="funnel__label">{s.label}</span>
            <span className="funnel__bar">
              <span style={{ width: `${top > 0 ? Math.max(s.count > 0 ? 2 : 0, (s.count / top) * 100) : 0}%` }} />
            </span>
            <span className="funnel__count">{formatCount(s.count)}</span>
            <span className="funnel__rate muted" title="of the first step · of the step above">
              {formatPercent(s.rate)}
              {s.ofPrevious !== null ? ` · ${formatPercent(s.ofPrevious)} of the step above` : ''}
            </span>
          </li>
        ))}
      </ol>
      <p className="sf__help funnel__rule">{d.rule}</p>
      {d.holdout !== null && <HoldoutUplift journeyId={journeyId} nodeId={nodeId} params={params} />}
      <JourneyTrends journeyId={journeyId} nodeId={nodeId} params={params} />
      {d.channel && (
        <p className="funnel__cost">
          Cost {formatYuan(d.cost.total)} for {formatCount(d.cost.units)} billed units · per conversion ({d.goal ?? 'no goal'}) <strong>{formatYuan(d.cost.perConversion)}</strong>
        </p>
      )}
      {d.byVariant.length > 0 && (
        <table className="table funnel__variants" aria-label="By variant">
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col" className="num">
                Sent
              </th>
              <th scope="col">Click rate</th>
              {Object.keys(d.byVariant[0]?.reached ?? {}).map((e) => (
                <th key={e} scope="col" className="num">
                  {e}
                </th>
              ))}
              <th scope="col">Conversion</th>
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
      <h3 className="funnel__h3">Contacts here</h3>
      {d.sample.length === 0 ? (
        <p className="muted">Nobody yet.</p>
      ) : (
        <ul className="funnel__sample" aria-label="Sample contacts">
          {d.sample.map((s, i) => (
            <li key={i}>
              {s.externalId ? <Link to={`/contacts/${encodeURIComponent(s.externalId)}`}>{s.externalId}</Link> : <span className="muted">anonymous</span>}
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
