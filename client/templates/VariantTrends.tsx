import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Area, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC, type RouterOutputs } from '../trpc';

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
  const [metric, setMetric] = useState<TrendMetric>('clicks');
  const q = useQuery(trpc.templates.daily.queryOptions({ key: templateKey, version }));
  if (q.isPending) return <p className="muted">Loading the daily chart…</p>;
  if (q.isError) return <p className="sf__errors">{q.error.message}</p>;
  return (
    <>
      <label className="stats__metric">
        Daily
        <select value={metric} onChange={(e) => setMetric(e.target.value as TrendMetric)}>
          <option value="clicks">click rate</option>
          <option value="conversions">conversion rate</option>
        </select>
      </label>
      <VariantTrendsChart trends={q.data} metric={metric} />
    </>
  );
}

const metricWords: Record<TrendMetric, { title: string; line: string; caption: string }> = {
  clicks: { title: 'Click rate per day', line: 'click rate', caption: 'Click rate' },
  conversions: { title: 'Conversion rate per day', line: 'conversion rate', caption: 'Conversion rate (the journey’s first goal, credited as in the results table)' },
};

export function VariantTrendsChart({ trends: t, width = 560, metric = 'clicks' }: { trends: TemplateTrends; width?: number; metric?: TrendMetric }) {
  if (t.variants.length === 0) return <p className="muted">No sends of version {t.version} in these days.</p>;
  const words = metricWords[metric];
  return (
    <figure className="stats__trend" aria-label={words.title}>
      <ComposedChart width={width} height={220} data={variantRows(t, metric)} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 10 }} />
        <YAxis tick={{ fontSize: 10 }} unit="%" />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {t.variants.map((v, i) => (
          <Area
            key={`${v}-band`}
            dataKey={`${v}_band`}
            name={`${v.toUpperCase()} 95% band`}
            stroke="none"
            fill={colours[i % colours.length]}
            fillOpacity={0.15}
            isAnimationActive={false}
            connectNulls
          />
        ))}
        {t.variants.map((v, i) => (
          <Line key={v} dataKey={`${v}_rate`} name={`${v.toUpperCase()} ${words.line}`} stroke={colours[i % colours.length]} dot isAnimationActive={false} connectNulls />
        ))}
      </ComposedChart>
      <figcaption className="sf__help">
        {words.caption} of each day’s sends of version {t.version}, per variant, with its 95% Wilson band; days in {t.timezone}. A day with few sends has a wide band.
      </figcaption>
    </figure>
  );
}
