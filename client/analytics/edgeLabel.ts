import { formatCount, formatPercent } from '../format';

/**
 * An edge's label with the overlay on: its port, how many took it, and what
 * share of the source node's entrants that is ("Send · 1,234 · 95.0%"), so
 * a split or a branch reads as proportions, not just counts.
 */
export function edgeLabel(port: string | undefined, count: number, sourceEntered: number | undefined): string {
  const rate = sourceEntered ? ` · ${formatPercent(count / sourceEntered)}` : '';
  return `${port ? `${port} · ` : ''}${formatCount(count)}${rate}`;
}
