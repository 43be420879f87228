import type { JourneyStatus } from '../trpc';
import { msg } from '../i18n/messageIds';
import { useT, type Translate } from '../i18n/useT';

const labels: Record<JourneyStatus, string> = { draft: msg('status.draft'), live: msg('status.live'), paused: msg('status.paused'), archived: msg('status.archived') };

/** A journey status in words; one this build does not know, as it is. */
export const journeyStatusText = (t: Translate, status: string): string => (Object.hasOwn(labels, status) ? t(labels[status as JourneyStatus]) : status);

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
