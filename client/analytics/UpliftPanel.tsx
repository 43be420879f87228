import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useQuery } from '@tanstack/react-query';
import { formatCount, formatPercent, formatYuan } from '../format';
import { useTRPC, type RouterOutputs } from '../trpc';
import { OVERLAY_REFRESH_MS, overlayRange, type OverlayParams } from './useOverlay';
import { stepText } from './stepText';
import './analytics.css';

export type UpliftReport = RouterOutputs['analytics']['holdoutUplift'];
type Step = UpliftReport['steps'][number];

/** "+3.2 pp" for a difference of two rates, one decimal, always signed. */
export const formatPoints = (d: number): string => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp`;

/** "p = 0.012", "p < 0.001", "–" when untestable. */
export const formatP = (p: number | null): string => (p === null ? '–' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** Uplift over a split's holdout arm (the selected node's, or the journey's first), as the funnel and summary panels show it. */
export function HoldoutUplift({ journeyId, nodeId, params }: { journeyId: string; nodeId?: string; params: OverlayParams }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.holdoutUplift.queryOptions({ journeyId, ...(nodeId ? { nodeId } : {}), ...overlayRange(params) }), refetchInterval: OVERLAY_REFRESH_MS });
  if (q.isPending) return <p className="muted">{t('common.loading', { what: t('uplift.loading') })}</p>;
  if (q.isError) return <p className="sf__errors">{errorText(q.error)}</p>;
  return <UpliftTable report={q.data} />;
}

/** Uplift against the workspace's global control group; nothing when the workspace has none. */
export function GlobalControlUplift({ journeyId, params }: { journeyId: string; params: OverlayParams }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.globalControlUplift.queryOptions({ journeyId, ...overlayRange(params) }), refetchInterval: OVERLAY_REFRESH_MS });
  if (q.isPending || q.isError || q.data === null) return null;
  return <UpliftTable report={q.data} />;
}

/**
 * Per funnel step: treated vs control rate, the absolute uplift with its 95%
 * interval (drawn as a bar around 0), the relative uplift, the p-value,
 * incremental conversions and what each cost; "not enough data yet" with
 * the sample each arm needs when the interval cannot tell.
 */
export function UpliftTable({ report: r }: { report: UpliftReport }) {
  const t = useT();
  const control = r.against === 'holdout' ? t('uplift.holdoutPercent', { percent: r.percent }) : t('uplift.globalPercent', { percent: r.percent });
  return (
    <section className="uplift" aria-label={r.against === 'holdout' ? t('uplift.overHoldout') : t('uplift.overGlobal')}>
      <h3 className="funnel__h3">{r.against === 'holdout' ? t('uplift.overHoldout') : t('uplift.overGlobalGroup')}</h3>
      <p className="sf__help">
        {t('uplift.help', { treated: formatCount(r.treated), control: formatCount(r.control), against: r.against, days: r.windowDays })}
        {r.excludedGlobalControl > 0 && ` ${t('uplift.excluded', { n: r.excludedGlobalControl, count: formatCount(r.excludedGlobalControl) })}`}
      </p>
      <div className="uplift__scroll">
        <table className="table uplift__table">
          <colgroup>
            <col className="uplift__col-step" />
            <col className="uplift__col-rates" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">{t('field.step')}</th>
              <th scope="col" className="num" title={t('uplift.treatedVs', { control })}>
                {r.against === 'holdout' ? t('uplift.treatedHoldout') : t('uplift.treatedControl')}
              </th>
              <th scope="col">{t('uplift.ci')}</th>
            </tr>
          </thead>
          <tbody>
            {r.steps.map((s) => (
              <UpliftRow key={s.event} s={s} />
            ))}
          </tbody>
        </table>
      </div>
      <p className="sf__help">{t('uplift.cost', { cost: formatYuan(r.cost) })}</p>
    </section>
  );
}

function UpliftRow({ s }: { s: Step }) {
  const t = useT();
  const ofN = (x: number, n: number) => t('uplift.ofN', { x: formatCount(x), n: formatCount(n) });
  return (
    <tr data-step={s.event}>
      <th scope="row">{stepText(t, s)}</th>
      <td className="num">
        <span title={ofN(s.treated.x, s.treated.n)}>{formatPercent(s.treated.n ? s.treated.rate : null)}</span>
        {' · '}
        <span title={ofN(s.holdout.x, s.holdout.n)}>{formatPercent(s.holdout.n ? s.holdout.rate : null)}</span>
      </td>
      <td className="uplift__ci">
        <strong>{formatPoints(s.absolute.estimate)}</strong>{' '}
        <span className="muted" data-testid="interval">
          {t('uplift.interval', { lo: formatPoints(s.absolute.lo), hi: formatPoints(s.absolute.hi) })}
        </span>
        <IntervalBar lo={s.absolute.lo} hi={s.absolute.hi} estimate={s.absolute.estimate} />
        <div className="uplift__more muted">
          {t('uplift.more', {
            relative: s.relative ? formatPoints(s.relative.estimate).replace(' pp', '%') : '–',
            p: formatP(s.pValue),
            incremental: formatCount(Math.round(s.incremental)),
          })}
          {s.costPerIncremental !== null && ` · ${t('uplift.each', { cost: formatYuan(Math.round(s.costPerIncremental * 100) / 100) })}`}
        </div>
        {!s.enoughData && (
          <div className="uplift__wait" role="note">
            {s.neededPerArm !== null && Number.isFinite(s.neededPerArm) ? t('uplift.notEnoughNeeded', { n: formatCount(s.neededPerArm) }) : t('uplift.notEnough')}
          </div>
        )}
      </td>
    </tr>
  );
}

/** The interval on a symmetric scale around 0 (the widest bound sets the scale), so "does it cross zero" reads at a glance. */
function IntervalBar({ lo, hi, estimate }: { lo: number; hi: number; estimate: number }) {
  const span = Math.max(Math.abs(lo), Math.abs(hi), 0.001);
  const at = (v: number) => `${50 + (v / span) * 50}%`;
  const crosses = lo <= 0 && hi >= 0;
  return (
    <svg className="uplift__bar" viewBox="0 0 100 10" preserveAspectRatio="none" width="100%" height="10" aria-hidden="true">
      <line x1="50" x2="50" y1="0" y2="10" stroke="currentColor" strokeOpacity="0.4" />
      <rect x={at(lo)} width={`${((hi - lo) / span) * 50}%`} y="3" height="4" fill={crosses ? '#9aa4b2' : hi < 0 ? '#c0392b' : '#2e8b57'} />
      <rect x={at(estimate)} width="1" y="1" height="8" fill="currentColor" />
    </svg>
  );
}
