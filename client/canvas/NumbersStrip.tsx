import { formatCount, formatPercent } from '../format';

export interface NumbersRow {
  term: string;
  count: number;
  /** shown after the count, as a percentage */
  rate?: number | null;
}

/** The strip of numbers under a node, live or backtest: one term and count per row (the caller leaves out rows that do not apply). */
export function NumbersStrip({ className, label, title, rows }: { className: string; label: string; title?: string; rows: NumbersRow[] }) {
  return (
    <dl className={className} aria-label={label} title={title}>
      {rows.map((r) => (
        <div key={r.term}>
          <dt>{r.term}</dt>
          <dd>
            {formatCount(r.count)}
            {r.rate !== undefined && (
              <>
                {' '}
                <span className="jn__rate">{formatPercent(r.rate)}</span>
              </>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
