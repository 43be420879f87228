import { useFormat } from '../i18n/useFormat';
import { useT } from '../i18n/useT';

export interface NumbersRow {
  /** the term's message id */
  term: string;
  count: number;
  /** shown after the count, as a percentage */
  rate?: number | null;
}

/** The strip of numbers under a node, live or backtest: one term and count per row (the caller leaves out rows that do not apply). */
export function NumbersStrip({ className, label, title, rows }: { className: string; label: string; title?: string; rows: NumbersRow[] }) {
  const t = useT();
  const f = useFormat();
  return (
    <dl className={className} aria-label={label} title={title}>
      {rows.map((r) => (
        <div key={r.term}>
          <dt>{t(r.term)}</dt>
          <dd>
            {f.count(r.count)}
            {r.rate !== undefined && (
              <>
                {' '}
                <span className="jn__rate">{f.percent(r.rate)}</span>
              </>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
