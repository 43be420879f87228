import { useT, type Translate } from '../i18n/useT';
import { channelMessages } from '../i18n/registryMessages';
import type { ReactNode } from 'react';
import { Channel } from '../../shared/journey/channels';
import type { ContactTimeline } from './timelineModel';
import { dateTimeIn } from './zonedFormat';
import { useAuth } from '../auth/AuthContext';

type Contact = ContactTimeline['contact'];

// traits the header already shows in their own place
const shownElsewhere = new Set(['name', 'phone', 'email', 'timezone', 'time_zone', 'registered_at', 'createdAt', 'created_at']);
const KEY_TRAITS = 8;

const traitText = (v: unknown): string => (typeof v === 'string' ? v : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const channelName = (t: Translate, ch: string): string => {
  const c = Channel.safeParse(ch);
  return c.success ? t(channelMessages[c.data]) : ch;
};

/** Who this is: ids, how to reach them, their clock, what they opted out of, and their key traits. */
export function ContactHeader({ contact }: { contact: Contact }) {
  const t = useT();
  const name = typeof contact.traits.name === 'string' ? contact.traits.name : null;
  const traits = Object.entries(contact.traits).filter(([k]) => !shownElsewhere.has(k));
  const key = traits.slice(0, KEY_TRAITS);
  const more = traits.slice(KEY_TRAITS);
  const tz = contact.timezone;
  // the server masks phone numbers for anyone without the analyst role
  const masked = !useAuth().can('analyst');

  return (
    <section className="card ct-header" aria-label={t('outbox.contact')}>
      <div className="ct-header__title">
        <h1>{contact.externalId ?? t('contact.anonymous')}</h1>
        {name && <span className="ct-header__name">{name}</span>}
      </div>
      <dl className="ct-facts">
        {contact.anonymousId && <Fact term={t('contact.anonymousId')} value={<code>{contact.anonymousId}</code>} />}
        <Fact
          term={t('contact.phone')}
          value={
            contact.phone ? (
              <>
                <span>{contact.phone}</span>
                {masked && <span className="muted small"> {t('contact.masked')}</span>}
              </>
            ) : (
              <span className="muted">{t('journeys.none')}</span>
            )
          }
        />
        {contact.email && <Fact term={t('channel.email')} value={contact.email} />}
        <Fact term={t('contact.timezone')} value={tz} />
        <Fact
          term={t('contact.optOuts')}
          value={
            contact.optOuts.length === 0 ? (
              <span className="muted">{t('journeys.none')}</span>
            ) : (
              <span className="ct-chips">
                {contact.optOuts.map((ch) => (
                  <span key={ch} className="ct-chip ct-chip--bad">
                    {t('contact.optedOut', { channel: channelName(t, ch) })}
                  </span>
                ))}
              </span>
            )
          }
        />
        <Fact term={t('contact.registered')} value={contact.registeredAt === null ? <span className="muted">{t('contact.unknown')}</span> : dateTimeIn(contact.registeredAt, tz)} />
        <Fact term={t('contact.firstSeen')} value={dateTimeIn(contact.createdAt, tz)} />
        {contact.sleepingSince !== null && <Fact term={t('sleeping.since')} value={t('contact.sleepingSince', { at: dateTimeIn(contact.sleepingSince, tz) })} />}
      </dl>
      {key.length > 0 && (
        <dl className="ct-traits" aria-label={t('contact.traits')}>
          {key.map(([k, v]) => (
            <Fact key={k} term={k} value={traitText(v)} />
          ))}
        </dl>
      )}
      {more.length > 0 && (
        <details className="ct-more">
          <summary>{t('contact.moreTraits', { n: more.length })}</summary>
          <dl className="ct-traits">
            {more.map(([k, v]) => (
              <Fact key={k} term={k} value={traitText(v)} />
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}

function Fact({ term, value }: { term: string; value: ReactNode }) {
  return (
    <div className="ct-fact">
      <dt>{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}
