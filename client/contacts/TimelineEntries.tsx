import { useT, type Translate } from '../i18n/useT';
import { usePolicyWords } from '../i18n/policyReason';
import { channelMessages, messageStatusMessages } from '../i18n/registryMessages';
import type { MessageStatus } from '../../shared/outbox/status';
import { Link } from 'react-router';
import { Activity, CircleDot, MessageSquare } from 'lucide-react';
import { Channel } from '../../shared/journey/channels';
import { assertNever } from '../../shared/util/assertNever';
import { channelIcons } from '../canvas/icons';
import type { JourneyRef, TimelineEntry, TimelineEvent, TimelineMessage, TimelineStep } from './timelineModel';
import { timeIn } from './zonedFormat';
import { StatusHistory } from './StatusHistory';
import { NodeName } from './NodeName';

/** One line of the timeline: its time in the contact's zone, an icon, and what happened. */
export function TimelineLine({ entry, tz }: { entry: TimelineEntry; tz: string }) {
  return (
    <li className={`ct-entry ct-entry--${entry.kind}`}>
      <time className="ct-entry__time" dateTime={new Date(entry.at).toISOString()}>
        {timeIn(entry.at, tz)}
      </time>
      <div className="ct-entry__body">{lineBody(entry, tz)}</div>
    </li>
  );
}

function lineBody(e: TimelineEntry, tz: string) {
  switch (e.kind) {
    case 'event':
      return <EventLine event={e.event} />;
    case 'step':
      return <StepLine step={e.step} journey={e.journey} repeat={e.repeat} />;
    case 'message':
      return <MessageLine message={e.message} journey={e.journey} tz={tz} />;
    default:
      return assertNever(e);
  }
}

const propText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function EventLine({ event }: { event: TimelineEvent }) {
  const t = useT();
  const props = Object.entries(event.properties);
  return (
    <>
      <div className="ct-entry__head">
        <Activity size={14} aria-hidden className="ct-icon ct-icon--event" />
        <span className="ct-kind">{t('enum.event')}</span>
        <code className="ct-entry__title">{event.name}</code>
        {event.type !== 'track' && <span className="muted small">{event.type}</span>}
      </div>
      {props.length > 0 && (
        <ul className="ct-props" aria-label={t('timeline.properties')}>
          {props.map(([k, v]) => (
            <li key={k}>
              <code className="muted">{k}</code> {propText(v)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function JourneyLink({ journey, version }: { journey: JourneyRef; version?: number }) {
  return (
    <Link to={`/journeys/${journey.id}`}>
      {journey.name}
      {version !== undefined && <span className="muted"> v{version}</span>}
    </Link>
  );
}

function StepLine({ step, journey, repeat }: { step: TimelineStep; journey: JourneyRef; repeat: number }) {
  const t = useT();
  return (
    <div className="ct-entry__head">
      <CircleDot size={14} aria-hidden className="ct-icon ct-icon--step" />
      <span className="ct-kind">{t('field.step')}</span>
      <span>
        {t('timeline.entered')}{' '}
        <strong className="ct-entry__title">
          <NodeName id={step.node_id} title={step.node_title} kind={step.node_kind} />
        </strong>
        {repeat > 1 && <span className="muted"> {t('timeline.time', { n: repeat })}</span>} {t('timeline.in')} <JourneyLink journey={journey} version={step.version} />
      </span>
    </div>
  );
}

const channelName = (t: Translate, ch: string): string => {
  const c = Channel.safeParse(ch);
  return c.success ? t(channelMessages[c.data]) : ch;
};

function MessageLine({ message: m, journey, tz }: { message: TimelineMessage; journey: JourneyRef; tz: string }) {
  const t = useT();
  const words = usePolicyWords();
  const c = Channel.safeParse(m.channel);
  const Icon = c.success ? channelIcons[c.data] : MessageSquare;
  // every decision is in the history; an older row without one still says why in its final reason
  const undescribed =
    m.reason && !m.history.some((h) => h.decision) ? `${m.status in messageStatusMessages ? t(messageStatusMessages[m.status as MessageStatus]) : m.status}: ${words.reason(m.reason)}` : null;
  return (
    <>
      <div className="ct-entry__head">
        <Icon size={14} aria-hidden className="ct-icon ct-icon--message" />
        <span className="ct-kind">{channelName(t, m.channel)}</span>
        <code className="ct-entry__title">{m.template}</code>
        {m.variant && <span className="ct-variant">{t('timeline.variant', { variant: m.variant.toUpperCase() })}</span>}
        <span className={`status status--${m.status}`}>{m.status in messageStatusMessages ? t(messageStatusMessages[m.status as MessageStatus]) : m.status}</span>
      </div>
      <div className="muted small">
        {t('timeline.from')} <NodeName id={m.node_id} title={m.node_title} kind={m.node_kind} /> {t('timeline.in')} <JourneyLink journey={journey} />
      </div>
      {m.body ? <p className={`ct-bubble ct-bubble--${m.channel}`}>{m.body}</p> : <p className="muted small">{m.status === 'suppressed' ? t('timeline.withheld') : t('timeline.noText')}</p>}
      {undescribed && <p className={`ct-decision ct-decision--${m.status}`}>{undescribed}</p>}
      {m.history.length > 0 && <StatusHistory message={m} tz={tz} />}
    </>
  );
}
