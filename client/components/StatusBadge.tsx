import type { JourneyStatus } from '../trpc';

const labels: Record<JourneyStatus, string> = { draft: 'Draft', live: 'Live', paused: 'Paused', archived: 'Archived' };

export function StatusBadge({ status }: { status: JourneyStatus }) {
  return <span className={`badge badge--${status}`}>{labels[status]}</span>;
}
