import { useEffect, useRef } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { useTRPC, type JourneyDetail } from '../trpc';
import { FormattedMessage } from 'react-intl';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';

/**
 * Resuming a paused journey, with a warning first: how many contacts' timers
 * fell due while it was paused, and what to do with them. "Continue" fires
 * them at once (messages that were due days ago go now, all together); "Skip
 * what fell due" starts each of those waits again from now, so nobody gets a
 * stale message late in a burst. Timers still ahead keep their time either way.
 */
export function ResumeDialog({ journey, onClose, onResumed }: { journey: JourneyDetail; onClose: () => void; onResumed: () => Promise<unknown> }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const due = useQuery(trpc.journeys.dueOnResume.queryOptions({ id: journey.id }));
  const resume = useMutation(trpc.journeys.resume.mutationOptions());
  const go = (dueTimers: 'continue' | 'skip') =>
    resume.mutate(
      { id: journey.id, dueTimers },
      {
        onSuccess: () => {
          void onResumed().then(() => dialog.current?.close());
        },
      },
    );

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const n = due.data?.due ?? 0;
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="resume-title" onClose={onClose} onCancel={onClose}>
      <h2 id="resume-title">{t('resume.title', { name: journey.name })}</h2>
      {due.isPending ? (
        <p role="status">{t('resume.counting')}</p>
      ) : due.isError ? (
        <p className="banner banner--error" role="alert">
          {errorText(due.error)}
        </p>
      ) : n === 0 ? (
        <p role="status">{t('resume.noneDue', { n: due.data.timers })}</p>
      ) : (
        <>
          <p role="status">
            <FormattedMessage id="resume.due" values={{ n, waiting: due.data.timers, b: (c) => <strong>{c}</strong> }} />
          </p>
          <ul className="dialog__list">
            <li>
              <FormattedMessage id="resume.continue.help" values={{ b: (c) => <strong>{c}</strong> }} />
            </li>
            <li>
              <FormattedMessage id="resume.skip.help" values={{ b: (c) => <strong>{c}</strong> }} />
            </li>
          </ul>
        </>
      )}
      {resume.isError && (
        <p className="banner banner--error" role="alert">
          {errorText(resume.error)}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          {t('common.cancel')}
        </button>
        {n > 0 && (
          <button type="button" className="btn" disabled={resume.isPending} onClick={() => go('skip')}>
            {t('resume.skip')}
          </button>
        )}
        <button type="button" className="btn btn--primary" disabled={resume.isPending || due.isPending} onClick={() => go('continue')}>
          <Play size={15} aria-hidden /> {n > 0 ? t('resume.continue') : t('header.resume')}
        </button>
      </div>
    </dialog>
  );
}
