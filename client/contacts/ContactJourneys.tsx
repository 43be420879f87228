import { NodeName } from './NodeName';
import { exitReasonText } from '../i18n/exitReason';
import { useT, type Translate } from '../i18n/useT';
import { Link } from 'react-router';
import type { TimelineRun } from './timelineModel';
import { dateTimeIn } from './zonedFormat';
import { awaitingMessage } from '../../shared/journey/run';
import type { RunStatus } from '../../shared/journey/runStatus';
import { msg } from '../i18n/messageIds';

/** A run's status in words. */
const runStatusMessages: Record<RunStatus, string> = { active: msg('run.active'), waiting: msg('run.waiting'), exited: msg('run.exited') };
/** A status as stored (a string on the wire), in words; one this build does not know, as it is. */
const statusText = (t: Translate, status: string): string => (Object.hasOwn(runStatusMessages, status) ? t(runStatusMessages[status as RunStatus]) : status);

/** Where the run stands, in words: what it waits for and until when, or why it left. */
export function runState(t: Translate, r: TimelineRun, tz: string): string {
  if (r.status === 'exited')
    return t('run.exited') + (r.exit_reason ? t('run.reason', { reason: exitReasonText(t, r.exit_reason) }) : '') + (r.exited_at === null ? '' : t('run.on', { on: dateTimeIn(r.exited_at, tz) }));
  const until = r.wake_at === null ? '' : t('run.until', { until: dateTimeIn(r.wake_at, tz) });
  if (r.waiting_for === awaitingMessage) return t('run.waitingForMessage') + until;
  if (r.waiting_for) return t('run.waitingFor', { event: r.waiting_for }) + until;
  return r.wake_at === null ? statusText(t, r.status) : t('run.waiting') + until;
}

/** The journeys this contact is (or was) in: current node and state, newest enrolment first. */
export function ContactJourneys({ runs, tz }: { runs: readonly TimelineRun[]; tz: string }) {
  const t = useT();
  return (
    <section className="card ct-journeys" aria-labelledby="ct-journeys-title">
      <h2 id="ct-journeys-title">{t('layout.nav.journeys')}</h2>
      {runs.length === 0 ? (
        <p className="muted">{t('contact.noJourneys')}</p>
      ) : (
        <ul className="ct-runs">
          {runs.map((r) => (
            <li key={r.id} className={`ct-run ct-run--${r.status}`}>
              <div className="ct-run__head">
                <Link to={`/journeys/${r.journey_id}`} className="ct-run__name">
                  {r.name}
                </Link>
                <span className={`ct-state ct-state--${r.status}`}>{statusText(t, r.status)}</span>
              </div>
              <div className="small">
                <span className="muted">v{r.version}</span> · {t('run.atNode')} <NodeName id={r.node_id} title={r.node_title} kind={r.node_kind} />
              </div>
              <div className="small">{runState(t, r, tz)}</div>
              <div className="muted small">{t('run.entered', { at: dateTimeIn(r.entered_at, tz) })}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
