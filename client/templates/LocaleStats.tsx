import { useT } from '../i18n/useT';
import { useQuery } from '@tanstack/react-query';
import { formatCount, formatPercent } from '../format';
import { useTRPC } from '../trpc';

/**
 * A template's sends and clicks per variant and language, for a template
 * with copy in more than one language, and how many contacts got the
 * template's own language because it had none in theirs (by the language
 * they asked for): the copy to translate next.
 */
export function LocaleStats({ templateKey }: { templateKey: string }) {
  const t = useT();
  const trpc = useTRPC();
  const stats = useQuery({ ...trpc.templates.localeStats.queryOptions({ key: templateKey }), refetchInterval: 10_000 });
  const s = stats.data;
  if (!s || (s.locales.length === 0 && s.fallbacks.length === 0)) return null;
  return (
    <section className="card" aria-label={t('localeStats.label')}>
      <h2>{t('localeStats.title')}</h2>
      <table className="table" aria-label={t('localeStats.table')}>
        <thead>
          <tr>
            <th scope="col">{t('funnel.variant')}</th>
            <th scope="col">{t('locale.switcher')}</th>
            <th scope="col">{t('funnel.sent')}</th>
            <th scope="col">{t('stats.uniqueClicks')}</th>
            <th scope="col">{t('funnel.clickRate')}</th>
          </tr>
        </thead>
        <tbody>
          {s.rows.map((r) => (
            <tr key={`${r.variant}:${r.locale}`}>
              <td>{r.variant.toUpperCase()}</td>
              <td>{r.locale}</td>
              <td>{formatCount(r.sent)}</td>
              <td>{formatCount(r.clicks)}</td>
              <td>{r.clickRate.rate === null ? '–' : formatPercent(r.clickRate.rate)}</td>
            </tr>
          ))}
          {s.rows.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t('localeStats.nothing', { version: s.version })}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="muted" role="status" aria-label={t('localeStats.fallbacks')}>
        {s.fallbacks.length === 0 ? t('localeStats.noFallback') : t('localeStats.fallback', { locale: s.locale, list: s.fallbacks.map((f) => `${f.asked} ${formatCount(f.n)}`).join(', ') })}
      </p>
    </section>
  );
}
