import { useT } from '../i18n/useT';
import { channelMessages } from '../i18n/registryMessages';
import { useQuery } from '@tanstack/react-query';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { Channel } from '../../shared/journey/channels';
import { formatCount, formatYuan } from '../format';
import { useTRPC, type RouterOutputs } from '../trpc';
import { OVERLAY_REFRESH_MS, overlayRange, type OverlayParams } from './useOverlay';
import { ChartLegend } from './ChartLegend';

export type Trends = RouterOutputs['analytics']['journeyTrends'];

const channelColour: Record<Channel, string> = { sms: '#3b82f6', push: '#8b5cf6', voice: '#f59e0b', email: '#14b8a6', webhook: '#64748b', agent_call: '#ef4444' };

/** The chart's rows: one per day, sends flattened to `sent_<channel>`. */
export function chartRows(t: Trends): Record<string, number | string>[] {
  return t.days.map((d) => ({ day: d.day.slice(5), entered: d.entered, converted: d.converted, cost: d.cost, ...Object.fromEntries(t.channels.map((ch) => [`sent_${ch}`, d.sent[ch] ?? 0])) }));
}

/** The journey's (or one node's) days in the overlay's range (the last 14 without one): the query and its chart. */
export function JourneyTrends({ journeyId, nodeId, params }: { journeyId: string; nodeId?: string; params: OverlayParams }) {
  const trpc = useTRPC();
  const t = useT();
  const q = useQuery({ ...trpc.analytics.journeyTrends.queryOptions({ journeyId, ...(nodeId ? { nodeId } : {}), ...overlayRange(params) }), refetchInterval: OVERLAY_REFRESH_MS });
  if (q.isPending) return <p className="muted">{t('common.loading', { what: t('trends.loading') })}</p>;
  if (q.isError) return <p className="sf__errors">{q.error.message}</p>;
  return <TrendsChart trends={q.data} />;
}

/**
 * Per day: sends stacked by channel (bars), entries and conversions (lines),
 * cost on its own axis; days in the workspace's zone, named under the chart.
 */
export function TrendsChart({ trends: tr, width = 360 }: { trends: Trends; width?: number }) {
  const t = useT();
  const total = (k: 'entered' | 'converted' | 'cost') => tr.days.reduce((s, d) => s + d[k], 0);
  return (
    <figure className="trends" aria-label={t('trends.label')}>
      <h3 className="funnel__h3">{t('trends.title')}</h3>
      <ComposedChart width={width} height={220} data={chartRows(tr)} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 10 }} />
        <YAxis yAxisId="n" tick={{ fontSize: 10 }} allowDecimals={false} />
        <YAxis yAxisId="yuan" orientation="right" tick={{ fontSize: 10 }} hide={total('cost') === 0} />
        <Tooltip />
        <Legend content={(props) => <ChartLegend payload={props.payload} />} />
        {tr.channels.map((ch) => (
          <Bar key={ch} yAxisId="n" dataKey={`sent_${ch}`} name={t('trends.sent', { channel: t(channelMessages[ch]) })} stackId="sent" fill={channelColour[ch]} isAnimationActive={false} />
        ))}
        <Line yAxisId="n" dataKey="entered" name={t('summary.entered')} stroke="#0f172a" dot={false} isAnimationActive={false} />
        <Line yAxisId="n" dataKey="converted" name={tr.goal ? t('trends.convertedGoal', { goal: tr.goal }) : t('trends.converted')} stroke="#16a34a" dot={false} isAnimationActive={false} />
        <Line yAxisId="yuan" dataKey="cost" name={t('trends.cost')} stroke="#dc2626" strokeDasharray="4 2" dot={false} isAnimationActive={false} />
      </ComposedChart>
      <figcaption className="sf__help">
        {t('trends.caption', {
          from: tr.days[0]?.day ?? '',
          to: tr.days.at(-1)?.day ?? '',
          tz: tr.timezone,
          entered: formatCount(total('entered')),
          converted: formatCount(total('converted')),
          cost: formatYuan(Math.round(total('cost') * 100) / 100),
        })}
      </figcaption>
    </figure>
  );
}
