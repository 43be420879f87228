import type { ReactNode } from 'react';
import type { Forecast } from '../../server/forecast/types';
import { channelLabels, channels, type Channel } from '../../shared/journey/channels';
import { formatCount, formatYuan } from '../format';
import './forecast.css';

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;
/** Counts the forecast may give as fractions (a day of event entries) read as whole numbers: "about 3". */
const about = (n: number) => (Number.isInteger(n) ? formatCount(n) : `about ${formatCount(Math.round(n * 10) / 10)}`);

/** "Tue 3 Nov, 10:00 (Asia/Shanghai)": an instant in the workspace's zone, where schedules run. */
export function atInZone(ms: number, tz: string): string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${f.format(ms)} (${tz})`;
}

const scheduleWords = (s: NonNullable<Forecast['entry']['schedule']>): string => (s.every === 'once' ? `once, at ${s.at}` : s.every === 'hour' ? 'every hour' : `every ${s.every} at ${s.at}`);

/** "at least 1,204 (counted among the newest 600,000 of 1,000,000 contacts; about 2,006 in all)", or the exact count. */
function audienceCount(f: Forecast): ReactNode {
  const a = f.audience;
  if (a.exact) return <strong>{formatCount(a.count)}</strong>;
  return (
    <>
      <strong>at least {formatCount(a.count)}</strong> (counted among the newest {formatCount(a.scanned)} of {formatCount(a.contacts)} contacts; about {formatCount(a.estimate)} in all)
    </>
  );
}

/** When the first contacts enter, in words. */
export function firstEntryWords(f: Forecast): string {
  if (f.entry.kind === 'event') return `Contacts enter as they do ${f.entry.name}.`;
  if (f.entry.firstAt === null) return '';
  const when = f.entry.firstAt <= f.at ? 'now' : `at ${atInZone(f.entry.firstAt, f.timezone)}`;
  return `First entries ${when}; then ${f.entry.schedule ? scheduleWords(f.entry.schedule) : 'on schedule'}.`;
}

/**
 * The publish forecast, as the publish dialog and an approval request show
 * it: who enters and when, who of them is elsewhere or out of reach now, and
 * the most it can send and cost. Every figure is the server's, from current data.
 */
export function ForecastView({ forecast: f }: { forecast: Forecast }) {
  const a = f.audience;
  const m = f.messages;
  const sent = channels.filter((ch) => (m.perContact[ch] ?? 1) !== 0);
  const lower = a.exact ? '' : 'at least ';
  return (
    <section className="forecast" aria-label="Forecast">
      <h3>Forecast</h3>
      <p className="forecast__when" role="status">
        {firstEntryWords(f)}
      </p>
      <dl className="forecast__facts">
        <dt>{f.entry.kind === 'segment' ? `In segment ${f.entry.name} now` : `Did ${f.entry.name} in the last 30 days`}</dt>
        <dd>{audienceCount(f)}</dd>
        {f.entry.kind === 'event' && f.entry.eventsInLookback !== null && (
          <>
            <dt>Expected entries</dt>
            <dd>
              {about(a.admitted / 30)} a day ({plural(f.entry.eventsInLookback, 'event')} in 30 days)
            </dd>
          </>
        )}
        <dt>Would enter</dt>
        <dd>
          <strong>
            {lower}
            {formatCount(a.admitted)}
          </strong>
          {a.entryLimitLeft !== null && <span className="muted"> (entry limit: {formatCount(a.entryLimitLeft)} left)</span>}
        </dd>
        {a.alreadyEntered > 0 && (
          <>
            <dt>Kept out by re-entry</dt>
            <dd>{formatCount(a.alreadyEntered)} (in this journey now or before)</dd>
          </>
        )}
        {a.exclusion && (
          <>
            <dt>Exclusion group “{a.exclusion.group}”</dt>
            <dd>{formatCount(a.exclusion.skipped)} skipped: in another journey of the group now</dd>
          </>
        )}
        <dt>Already in another journey</dt>
        <dd>
          {formatCount(a.inOtherJourneys)}
          {a.otherJourneys.length > 0 && (
            <ul className="forecast__others" aria-label="Other journeys">
              {a.otherJourneys.map((o) => (
                <li key={o.id}>
                  {o.name}: {formatCount(o.count)}
                  {o.status === 'paused' && <span className="muted"> (paused)</span>}
                  {o.sameGroup && <span className="forecast__tag">same group</span>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {f.reach.length > 0 && (
        <table className="table forecast__reach" aria-label="Reach now by channel">
          <thead>
            <tr>
              <th>Now</th>
              <th className="num">Opted out</th>
              <th className="num">Capped</th>
              <th className="num">Quiet hours</th>
              <th className="num">Reachable</th>
            </tr>
          </thead>
          <tbody>
            {f.reach.map((r) => (
              <tr key={r.channel}>
                <th scope="row">{channelLabels[r.channel]}</th>
                <td className="num">{formatCount(r.optedOut)}</td>
                <td className="num">{r.capsApply ? formatCount(r.capped) : <span className="muted">not capped</span>}</td>
                <td className="num">{formatCount(r.quiet)}</td>
                <td className="num">{formatCount(r.reachable)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="forecast__facts">
        <dt>Per contact, at most</dt>
        <dd>{sent.length === 0 ? 'no messages' : sent.map((ch) => countOf(ch, m.perContact[ch])).join(', ')}</dd>
        <dt>{m.per === 'day' ? 'A day, at most' : 'In all, at most'}</dt>
        <dd>
          {sent.length === 0
            ? 'nothing'
            : sent.map((ch) => (
                <div key={ch}>
                  {countOf(ch, m.total[ch])}
                  {ch === 'sms' && m.smsParts !== null && ` · ${about(m.smsParts)} parts`}
                  {ch === 'voice' && m.callMinutes !== null && ` · ${about(m.callMinutes)} call minutes`}
                  {` · ${formatYuan(m.cost[ch])}`}
                </div>
              ))}
        </dd>
        <dt>Cost, at most</dt>
        <dd>
          <strong>{formatYuan(m.costTotal)}</strong>
          <span className="muted">
            {' '}
            at{' '}
            {channels
              .filter((ch) => sent.includes(ch))
              .map((ch) => `¥${f.prices[ch]} a ${ch === 'sms' ? 'part' : ch === 'voice' ? 'call' : 'message'}`)
              .join(', ')}
          </span>
        </dd>
      </dl>
    </section>
  );
}

function countOf(ch: Channel, n: number | null): string {
  const label = channelLabels[ch];
  if (n === null) return `${label}: unbounded`;
  return `${about(n)} ${label}`;
}
