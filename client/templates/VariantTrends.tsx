import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Area, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { msg } from '../i18n/messageIds';
import { ChartLegend } from '../analytics/ChartLegend';

export type TemplateTrends = RouterOutputs['templates']['daily'];

const colours = ['#3b82f6', '#f59e0b', '#16a34a', '#8b5cf6', '#dc2626', '#0f766e'];

export type TrendMetric = 'clicks' | 'conversions';

/** One row per day: `<variant>_rate` (percent) and `<variant>_band` ([low, high], percent) of `metric` for each variant, and `<variant>_sent`. */
export function variantRows(t: TemplateTrends, metric: TrendMetric = 'clicks'): Record<string, string | number | [number, number] | null>[] {
  const byDay = new Map<string, Record<string, string | number | [number, number] | null>>();
  for (const d of t.days) {
    const row = byDay.get(d.day) ?? { day: d.day.slice(5) };
    const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
    const r = metric === 'clicks' ? d.clickRate : d.conversionRate;
    row[`${d.variant}_sent`] = d.sent;
    row[`${d.variant}_rate`] = pct(r.rate);
    row[`${d.variant}_band`] = r.low === null || r.high === null ? null : [pct(r.low) ?? 0, pct(r.high) ?? 0];
    byDay.set(d.day, row);
  }
  return [...byDay.values()];
}

/** Each variant's click or conversion rate per day with its 95% band, for the version shown (the last 14 days). */
export function VariantTrends({ templateKey, version }: { templateKey: string; version: number }) {
  const trpc = useTRPC();
  const t = useT();
  const errorText = useErrorText();
  const [metric, setMetric] = useState<TrendMetric>('clicks');
  const q = useQuery(trpc.templates.daily.queryOptions({ key: templateKey, version }));
  if (q.isPending) return <p className="muted">{t('trend.loading')}</p>;
  if (q.isError) return <p className="sf__errors">{errorText(q.error)}</p>;
  return (
    <>
      <label className="stats__metric">
        {t('trend.daily')}
        <select value={metric} onChange={(e) => setMetric(e.target.value as TrendMetric)}>
          <option value="clicks">{t('trend.clickRate')}</option>
          <option value="conversions">{t('trend.conversionRate')}</option>
        </select>
      </label>
      <VariantTrendsChart trends={q.data} metric={metric} />
    </>
  );
}

const metricWords: Record<TrendMetric, { title: string; line: string; caption: string }> = {
  clicks: { title: msg('trend.clicks.title'), line: msg('trend.clickRate'), caption: msg('trend.clicks.caption') },
  conversions: { title: msg('trend.conversions.title'), line: msg('trend.conversionRate'), caption: msg('trend.conversions.caption') },
};

export function VariantTrendsChart({ trends: tr, width = 560, metric = 'clicks' }: { trends: TemplateTrends; width?: number; metric?: TrendMetric }) {
  const t = useT();
  if (tr.variants.length === 0) return <p className="muted">{t('trend.none', { version: tr.version })}</p>;
  const words = metricWords[metric];
  return (
    <figure className="stats__trend" aria-label={t(words.title)}>
      <ComposedChart width={width} height={220} data={variantRows(tr, metric)} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 10 }} />
        <YAxis tick={{ fontSize: 10 }} unit="%" />
        <Tooltip />
        <Legend content={(props) => <ChartLegend payload={props.payload} />} />
        {tr.variants.map((v, i) => (
          <Area
            key={`${v}-band`}
            dataKey={`${v}_band`}
            name={t('trend.band', { variant: v.toUpperCase() })}
            stroke="none"
            fill={colours[i % colours.length]}
            fillOpacity={0.15}
            isAnimationActive={false}
            connectNulls
          />
        ))}
        {tr.variants.map((v, i) => (
          <Line key={v} dataKey={`${v}_rate`} name={`${v.toUpperCase()} ${t(words.line)}`} stroke={colours[i % colours.length]} dot isAnimationActive={false} connectNulls />
        ))}
      </ComposedChart>
      <figcaption className="sf__help">{t('trend.caption', { what: t(words.caption), version: tr.version, zone: tr.timezone })}</figcaption>
    </figure>
  );
}
