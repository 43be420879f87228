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
  const trpc = useTRPC();
  const stats = useQuery({ ...trpc.templates.localeStats.queryOptions({ key: templateKey }), refetchInterval: 10_000 });
  const s = stats.data;
  if (!s || (s.locales.length === 0 && s.fallbacks.length === 0)) return null;
  return (
    <section className="card" aria-label="Results by language">
      <h2>By language</h2>
      <table className="table" aria-label="Sends and clicks by variant and language">
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Language</th>
            <th scope="col">Sent</th>
            <th scope="col">Unique clicks</th>
            <th scope="col">Click rate</th>
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
                Nothing sent with v{s.version} yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="muted" role="status" aria-label="Language fallbacks">
        {s.fallbacks.length === 0
          ? `Every contact got copy in their language (or had none set).`
          : `Sent in ${s.locale} for want of the contact's language: ${s.fallbacks.map((f) => `${f.asked} ${formatCount(f.n)}`).join(', ')}.`}
      </p>
    </section>
  );
}
