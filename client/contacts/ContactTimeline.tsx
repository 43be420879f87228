import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';
import { useMemo, useState } from 'react';
import { entryKinds, filterEntries, groupByDay, mergeTimeline, type ContactTimeline as Timeline, type EntryKind } from './timelineModel';
import { TimelineLine } from './TimelineEntries';
import { dayLabel } from './zonedFormat';

const kindLabels: Record<EntryKind, string> = { event: msg('timeline.events'), step: msg('timeline.steps'), message: msg('timeline.messages') };

/**
 * Events, journey steps and messages as one list, newest first, by day in the contact's
 * time zone, with a toggle per kind.
 */
export function ContactTimeline({ timeline, limit }: { timeline: Timeline; limit: number }) {
  const t = useT();
  const tz = timeline.contact.timezone;
  const [shown, setShown] = useState<ReadonlySet<EntryKind>>(() => new Set(entryKinds));
  const entries = useMemo(() => mergeTimeline(timeline), [timeline]);
  const days = useMemo(() => groupByDay(filterEntries(entries, shown), tz), [entries, shown, tz]);
  const counts = { event: timeline.events.length, step: timeline.steps.length, message: timeline.messages.length };
  const toggle = (k: EntryKind) =>
    setShown((s) => {
      const next = new Set(s);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });
  const truncated = Object.values(counts).some((n) => n >= limit);

  return (
    <section className="ct-timeline" aria-labelledby="ct-timeline-title">
      <div className="ct-timeline__bar">
        <h2 id="ct-timeline-title">{t('timeline.title')}</h2>
        <span className="muted small">{t('timeline.timesIn', { tz })}</span>
        <div className="ct-toggles" role="group" aria-label={t('timeline.show')}>
          {entryKinds.map((k) => (
            <button key={k} type="button" className={`chip${shown.has(k) ? ' chip--on' : ''}`} aria-pressed={shown.has(k)} onClick={() => toggle(k)}>
              {t(kindLabels[k])} <span className="ct-toggle__count">{counts[k]}</span>
            </button>
          ))}
        </div>
      </div>
      {days.length === 0 ? (
        <div className="placeholder">{entries.length === 0 ? t('timeline.empty') : t('timeline.allHidden')}</div>
      ) : (
        <ol className="ct-days" aria-label={t('timeline.title')}>
          {days.map((d) => (
            <li key={d.day} className="ct-day">
              <h3 className="ct-day__title" id={`ct-day-${d.day}`}>
                {dayLabel(d.day)}
              </h3>
              <ol className="ct-entries" aria-labelledby={`ct-day-${d.day}`}>
                {d.entries.map((e) => (
                  <TimelineLine key={e.key} entry={e} tz={tz} />
                ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
      {truncated && <p className="muted small">{t('timeline.truncated', { limit })}</p>}
    </section>
  );
}
