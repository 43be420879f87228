import { useEffect, useRef } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { useTRPC, type JourneyDetail } from '../trpc';
import { formatCount } from '../format';

/**
 * Resuming a paused journey, with a warning first: how many contacts' timers
 * fell due while it was paused, and what to do with them. "Continue" fires
 * them at once (messages that were due days ago go now, all together); "Skip
 * what fell due" starts each of those waits again from now, so nobody gets a
 * stale message late in a burst. Timers still ahead keep their time either way.
 */
export function ResumeDialog({ journey, onClose, onResumed }: { journey: JourneyDetail; onClose: () => void; onResumed: () => Promise<unknown> }) {
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
      <h2 id="resume-title">Resume “{journey.name}”</h2>
      {due.isPending ? (
        <p role="status">Counting the timers that fell due…</p>
      ) : due.isError ? (
        <p className="banner banner--error" role="alert">
          {due.error.message}
        </p>
      ) : n === 0 ? (
        <p role="status">
          No timer fell due during the pause: {formatCount(due.data.timers)} contact{due.data.timers === 1 ? '' : 's'} go on from where they were.
        </p>
      ) : (
        <>
          <p role="status">
            <strong>
              {formatCount(n)} contact{n === 1 ? '’s timer' : 's’ timers'} fell due
            </strong>{' '}
            while the journey was paused (of {formatCount(due.data.timers)} waiting).
          </p>
          <ul className="dialog__list">
            <li>
              <strong>Continue</strong>: they move on at once: whatever they were waiting to receive goes now, late, all together.
            </li>
            <li>
              <strong>Skip what fell due</strong>: each of them waits its step again from now, as long as it had waited (a 3-day wait restarts for 3 days). Nothing goes out late.
            </li>
          </ul>
        </>
      )}
      {resume.isError && (
        <p className="banner banner--error" role="alert">
          {resume.error.message}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        {n > 0 && (
          <button type="button" className="btn" disabled={resume.isPending} onClick={() => go('skip')}>
            Skip what fell due
          </button>
        )}
        <button type="button" className="btn btn--primary" disabled={resume.isPending || due.isPending} onClick={() => go('continue')}>
          <Play size={15} aria-hidden /> {n > 0 ? 'Continue' : 'Resume'}
        </button>
      </div>
    </dialog>
  );
}
