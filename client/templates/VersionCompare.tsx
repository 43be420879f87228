import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useQuery } from '@tanstack/react-query';
import { formatCount, formatPercent } from '../format';
import { useTRPC, type RouterOutputs } from '../trpc';

export type Comparison = RouterOutputs['templates']['compareVersions'];
type Diff = Comparison['clickRate'];

const points = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp`;

/** "+2.1 pp (−0.4 to +4.6 pp), p = 0.098": version b's rate minus version a's, with its 95% interval. */
export function describeDifference(d: Diff): string {
  if (d.difference === null) return 'no sends in one of the versions yet';
  const p = d.pValue === null ? '' : d.pValue < 0.001 ? ', p < 0.001' : `, p = ${d.pValue.toFixed(3)}`;
  return `${points(d.difference)} (${points(d.lo)} to ${points(d.hi)}${p})`;
}

/** Two versions of a template side by side, per variant, and how the later copy's rates differ. */
export function VersionCompare({ templateKey, a, b }: { templateKey: string; a: number; b: number }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const q = useQuery(trpc.templates.compareVersions.queryOptions({ key: templateKey, a, b }));
  if (q.isPending) return <p className="muted">{t('compare.pending')}</p>;
  if (q.isError) return <p className="sf__errors">{errorText(q.error)}</p>;
  return <ComparisonView c={q.data} />;
}

export function ComparisonView({ c }: { c: Comparison }) {
  const t = useT();
  return (
    <div className="stats__compare" aria-label={t('compare.label', { a: c.a.version, b: c.b.version })} role="group">
      <table className="table" aria-label={t('compare.table')}>
        <thead>
          <tr>
            <th scope="col">{t('funnel.variant')}</th>
            {[c.a, c.b].map((s) => (
              <th key={s.version} scope="col" colSpan={3}>
                {t('compare.version', { version: s.version })}
                {s.version === s.current ? ` ${t('stats.current')}` : ''}
              </th>
            ))}
          </tr>
          <tr>
            <th scope="col" />
            {[c.a, c.b].flatMap((s) => [
              <th key={`${String(s.version)}s`} scope="col" className="num">
                {t('funnel.sent')}
              </th>,
              <th key={`${String(s.version)}c`} scope="col">
                {t('funnel.clickRate')}
              </th>,
              <th key={`${String(s.version)}v`} scope="col">
                {t('compare.conversionRate')}
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {[...new Set([...c.a.variants, ...c.b.variants].map((v) => v.key))].map((key) => (
            <tr key={key} data-variant={key}>
              <th scope="row">{key.toUpperCase()}</th>
              {[c.a, c.b].flatMap((s) => {
                const v = s.variants.find((x) => x.key === key);
                return [
                  <td key={`${String(s.version)}s`} className="num">
                    {formatCount(v?.sent ?? 0)}
                  </td>,
                  <td key={`${String(s.version)}c`}>{formatPercent(v?.clickRate.rate ?? null)}</td>,
                  <td key={`${String(s.version)}v`}>{formatPercent(v?.conversionRate.rate ?? null)}</td>,
                ];
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="stats__diff">
        Version {c.b.version} vs {c.a.version}, all variants: click rate <strong>{describeDifference(c.clickRate)}</strong>, conversion rate <strong>{describeDifference(c.conversionRate)}</strong>.
        Intervals are 95%; an interval that spans 0 does not tell the versions apart yet.
      </p>
    </div>
  );
}
