/** A range of a journey's counters: one version or all, and UTC days inclusive (`YYYY-MM-DD`). */
export interface MetricRange {
  journeyId: string;
  version?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The `metrics` table's WHERE clause for a range, with its parameters (the analytics service and uplift read the same counters). */
export function metricWhere(r: MetricRange): { sql: string; args: (string | number)[] } {
  const parts = ['journey_id = ?'];
  const args: (string | number)[] = [r.journeyId];
  const and = (clause: string, arg: string | number) => {
    parts.push(clause);
    args.push(arg);
  };
  if (r.version !== undefined) and('version = ?', r.version);
  if (r.from) and('day >= ?', r.from);
  if (r.to) and('day <= ?', r.to);
  return { sql: parts.join(' and '), args };
}
