import type { LegendPayload } from 'recharts';

/**
 * A chart's legend: each series' colour and name. Recharts' own names each
 * swatch "<name> legend icon" in English for screen readers; here the swatch
 * is decoration and the name is the text beside it, in the page's language.
 */
export function ChartLegend({ payload }: { payload?: readonly LegendPayload[] }) {
  return (
    <ul style={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'center', gap: '4px 12px', margin: 0, padding: 0, listStyle: 'none', fontSize: 11 }}>
      {payload
        ?.filter((p) => p.type !== 'none')
        .map((p) => (
          <li key={String(p.value)} style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
            <span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 2, background: p.color }} />
            {p.value}
          </li>
        ))}
    </ul>
  );
}
