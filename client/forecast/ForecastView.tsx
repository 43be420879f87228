import type { ReactNode } from 'react';
import { FormattedMessage } from 'react-intl';
import type { Forecast } from '../../server/forecast/types';
import { channels, type Channel } from '../../shared/journey/channels';
import { formatCount, formatYuan, shortDateTimeIn } from '../format';
import { channelMessages } from '../i18n/registryMessages';
import { useT, type Translate } from '../i18n/useT';
import './forecast.css';

/** Counts the forecast may give as fractions (a day of event entries) read as whole numbers: "about 3". */
const about = (t: Translate, n: number) => (Number.isInteger(n) ? formatCount(n) : t('forecast.about', { n: formatCount(Math.round(n * 10) / 10) }));

/** "Tue, 3 Nov, 10:00 (Asia/Shanghai)": an instant in the workspace's zone, where schedules run, in the chosen language. */
export function atInZone(ms: number, tz: string): string {
  return `${shortDateTimeIn(ms, tz)} (${tz})`;
}

const scheduleWords = (t: Translate, s: NonNullable<Forecast['entry']['schedule']>): string =>
  s.every === 'once'
    ? t('forecast.schedule.once', { at: s.at })
    : s.every === 'hour'
      ? t('forecast.schedule.hour')
      : s.every === 'day'
        ? t('forecast.schedule.day', { at: s.at })
        : t('forecast.schedule.week', { at: s.at });

/** "at least 1,204 (counted among the newest 600,000 of 1,000,000 contacts; about 2,006 in all)", or the exact count. */
function audienceCount(f: Forecast): ReactNode {
  const a = f.audience;
  if (a.exact) return <strong>{formatCount(a.count)}</strong>;
  return (
    <FormattedMessage
      id="forecast.audience.atLeast"
      values={{ count: formatCount(a.count), scanned: formatCount(a.scanned), contacts: formatCount(a.contacts), estimate: formatCount(a.estimate), b: (c) => <strong>{c}</strong> }}
    />
  );
}

/** When the first contacts enter, in words. */
export function firstEntryWords(t: Translate, f: Forecast): string {
  if (f.entry.kind === 'event') return t('forecast.first.event', { event: f.entry.name });
  if (f.entry.firstAt === null) return '';
  const then = f.entry.schedule ? scheduleWords(t, f.entry.schedule) : t('forecast.schedule.any');
  return f.entry.firstAt <= f.at ? t('forecast.first.now', { then }) : t('forecast.first.at', { at: atInZone(f.entry.firstAt, f.timezone), then });
}

/**
 * The publish forecast, as the publish dialog and an approval request show
 * it: who enters and when, who of them is elsewhere or out of reach now, and
 * the most it can send and cost. Every figure is the server's, from current data.
 */
export function ForecastView({ forecast: f }: { forecast: Forecast }) {
  const t = useT();
  const a = f.audience;
  const m = f.messages;
  const sent = channels.filter((ch) => (m.perContact[ch] ?? 1) !== 0);
  const channel = (ch: Channel) => t(channelMessages[ch]);
  const countOf = (ch: Channel, n: number | null): string => (n === null ? t('forecast.unbounded', { channel: channel(ch) }) : t('forecast.countOf', { n: about(t, n), channel: channel(ch) }));
  return (
    <section className="forecast" aria-label={t('forecast.title')}>
      <h3>{t('forecast.title')}</h3>
      <p className="forecast__when" role="status">
        {firstEntryWords(t, f)}
      </p>
      <dl className="forecast__facts">
        <dt>{f.entry.kind === 'segment' ? t('forecast.inSegment', { segment: f.entry.name }) : t('forecast.didEvent', { event: f.entry.name })}</dt>
        <dd>{audienceCount(f)}</dd>
        {f.entry.kind === 'event' && f.entry.eventsInLookback !== null && (
          <>
            <dt>{t('forecast.expected')}</dt>
            <dd>{t('forecast.expected.value', { perDay: about(t, a.admitted / 30), n: f.entry.eventsInLookback })}</dd>
          </>
        )}
        <dt>{t('forecast.wouldEnter')}</dt>
        <dd>
          <strong>{a.exact ? formatCount(a.admitted) : t('forecast.atLeast', { n: formatCount(a.admitted) })}</strong>
          {a.entryLimitLeft !== null && <span className="muted"> {t('forecast.entryLimit', { n: formatCount(a.entryLimitLeft) })}</span>}
        </dd>
        {a.alreadyEntered > 0 && (
          <>
            <dt>{t('forecast.reentry')}</dt>
            <dd>{t('forecast.reentry.value', { n: formatCount(a.alreadyEntered) })}</dd>
          </>
        )}
        {a.exclusion && (
          <>
            <dt>{t('forecast.exclusion', { group: a.exclusion.group })}</dt>
            <dd>{t('forecast.exclusion.value', { n: formatCount(a.exclusion.skipped) })}</dd>
          </>
        )}
        <dt>{t('forecast.others')}</dt>
        <dd>
          {formatCount(a.inOtherJourneys)}
          {a.otherJourneys.length > 0 && (
            <ul className="forecast__others" aria-label={t('forecast.others.list')}>
              {a.otherJourneys.map((o) => (
                <li key={o.id}>
                  {o.name}: {formatCount(o.count)}
                  {o.status === 'paused' && <span className="muted"> {t('forecast.paused')}</span>}
                  {o.sameGroup && <span className="forecast__tag">{t('forecast.sameGroup')}</span>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {f.reach.length > 0 && (
        <table className="table forecast__reach" aria-label={t('forecast.reach')}>
          <thead>
            <tr>
              <th>{t('forecast.reach.now')}</th>
              <th className="num">{t('forecast.reach.optedOut')}</th>
              <th className="num">{t('forecast.reach.capped')}</th>
              <th className="num">{t('forecast.reach.quiet')}</th>
              <th className="num">{t('forecast.reach.reachable')}</th>
            </tr>
          </thead>
          <tbody>
            {f.reach.map((r) => (
              <tr key={r.channel}>
                <th scope="row">{channel(r.channel)}</th>
                <td className="num">{formatCount(r.optedOut)}</td>
                <td className="num">{r.capsApply ? formatCount(r.capped) : <span className="muted">{t('forecast.reach.notCapped')}</span>}</td>
                <td className="num">{formatCount(r.quiet)}</td>
                <td className="num">{formatCount(r.reachable)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="forecast__facts">
        <dt>{t('forecast.perContact')}</dt>
        <dd>{sent.length === 0 ? t('forecast.noMessages') : sent.map((ch) => countOf(ch, m.perContact[ch])).join(', ')}</dd>
        <dt>{m.per === 'day' ? t('forecast.perDay') : t('forecast.inAll')}</dt>
        <dd>
          {sent.length === 0
            ? t('forecast.nothing')
            : sent.map((ch) => (
                <div key={ch}>
                  {countOf(ch, m.total[ch])}
                  {ch === 'sms' && m.smsParts !== null && ` · ${t('forecast.parts', { n: about(t, m.smsParts) })}`}
                  {ch === 'voice' && m.callMinutes !== null && ` · ${t('forecast.callMinutes', { n: about(t, m.callMinutes) })}`}
                  {` · ${formatYuan(m.cost[ch])}`}
                </div>
              ))}
        </dd>
        <dt>{t('forecast.cost')}</dt>
        <dd>
          <strong>{formatYuan(m.costTotal)}</strong>
          <span className="muted">
            {' '}
            {t('forecast.prices', {
              prices: channels
                .filter((ch) => sent.includes(ch))
                .map((ch) => t('forecast.price', { price: `¥${f.prices[ch]}`, unit: ch === 'sms' ? 'part' : ch === 'voice' ? 'call' : 'message' }))
                .join(', '),
            })}
          </span>
        </dd>
      </dl>
    </section>
  );
}
