import type { JourneyStatus } from '../trpc';

const labels: Record<JourneyStatus, string> = { draft: 'Draft', live: 'Live', paused: 'Paused', archived: 'Archived' };

/**
 * A journey's status; "Errored" over it while the engine has stopped working
 * the journey (the reason in the tooltip), since that is what an operator
 * must act on. An archived journey is only archived: its error no longer matters.
 */
export function StatusBadge({ status, error = null }: { status: JourneyStatus; error?: string | null }) {
  if (error !== null && status !== 'archived')
    return (
      <span className="badge badge--errored" title={`${labels[status]}, but the engine stopped working it: ${error}`}>
        Errored
      </span>
    );
  return <span className={`badge badge--${status}`}>{labels[status]}</span>;
}
