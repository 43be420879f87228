import type { JourneyStatus } from '../trpc';
import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';

const labels: Record<JourneyStatus, string> = { draft: msg('status.draft'), live: msg('status.live'), paused: msg('status.paused'), archived: msg('status.archived') };

/**
 * A journey's status; "Errored" over it while the engine has stopped working
 * the journey (the reason in the tooltip), since that is what an operator
 * must act on. An archived journey is only archived: its error no longer matters.
 */
export function StatusBadge({ status, error = null }: { status: JourneyStatus; error?: string | null }) {
  const t = useT();
  if (error !== null && status !== 'archived')
    return (
      <span className="badge badge--errored" title={t('status.errored.title', { status: t(labels[status]), error })}>
        {t('status.errored')}
      </span>
    );
  return <span className={`badge badge--${status}`}>{t(labels[status])}</span>;
}
