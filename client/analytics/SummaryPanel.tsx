import { useQuery } from '@tanstack/react-query';
import { formatCount } from '../format';
import { useTRPC } from '../trpc';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { exitReasonText } from '../i18n/exitReason';
import { OVERLAY_REFRESH_MS, overlayRange, type OverlayParams } from './useOverlay';
import { GlobalControlUplift, HoldoutUplift } from './UpliftPanel';
import { JourneyTrends } from './TrendsChart';
import { ChannelRoi } from './ChannelRoi';

/** The journey at a glance while the overlay is on: entries, who is inside now, exits, and per channel what it sent, converted and cost. */
export function SummaryPanel({ journeyId, params }: { journeyId: string; params: OverlayParams }) {
  const trpc = useTRPC();
  const t = useT();
  const errorText = useErrorText();
  const s = useQuery({
    ...trpc.analytics.journeySummary.queryOptions({ journeyId, ...overlayRange(params) }),
    refetchInterval: OVERLAY_REFRESH_MS,
  });
  if (s.isPending) return <p className="panel muted">{t('audit.loadingMore')}</p>;
  if (s.isError) return <p className="panel sf__errors">{errorText(s.error)}</p>;
  const d = s.data;
  return (
    <section className="panel" aria-label={t('summary.label')}>
      <h2 className="panel__title">{t('outbox.journey')}</h2>
      <dl className="summary__facts">
        <dt>{t('summary.entered')}</dt>
        <dd>{formatCount(d.entered)}</dd>
        <dt>{t('summary.inside')}</dt>
        <dd>{formatCount(d.active)}</dd>
        {Object.entries(d.exits).map(([reason, n]) => (
          <FragmentRow key={reason} label={t('summary.exited', { reason: exitReasonText(t, reason) })} value={n} />
        ))}
      </dl>
      <ChannelRoi rows={d.byChannel} goal={d.goal} roi={d.roi} />
      <JourneyTrends journeyId={journeyId} params={params} />
      {d.holdoutSplit && <HoldoutUplift journeyId={journeyId} nodeId={d.holdoutSplit.nodeId} params={params} />}
      <GlobalControlUplift journeyId={journeyId} params={params} />
      <p className="sf__help">{t('summary.help')}</p>
    </section>
  );
}

function FragmentRow({ label, value }: { label: string; value: number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{formatCount(value)}</dd>
    </>
  );
}
