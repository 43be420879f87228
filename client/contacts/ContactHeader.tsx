import type { ReactNode } from 'react';
import { channelLabels, Channel } from '../../shared/journey/channels';
import type { ContactTimeline } from './timelineModel';
import { dateTimeIn } from './zonedFormat';
import { useAuth } from '../auth/AuthContext';

type Contact = ContactTimeline['contact'];

// traits the header already shows in their own place
const shownElsewhere = new Set(['name', 'phone', 'email', 'timezone', 'time_zone', 'registered_at', 'createdAt', 'created_at']);
const KEY_TRAITS = 8;

const traitText = (v: unknown): string => (typeof v === 'string' ? v : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const channelName = (ch: string): string => {
  const c = Channel.safeParse(ch);
  return c.success ? channelLabels[c.data] : ch;
};

/** Who this is: ids, how to reach them, their clock, what they opted out of, and their key traits. */
export function ContactHeader({ contact }: { contact: Contact }) {
  const name = typeof contact.traits.name === 'string' ? contact.traits.name : null;
  const traits = Object.entries(contact.traits).filter(([k]) => !shownElsewhere.has(k));
  const key = traits.slice(0, KEY_TRAITS);
  const more = traits.slice(KEY_TRAITS);
  const tz = contact.timezone;
  // the server masks phone numbers for anyone without the analyst role
  const masked = !useAuth().can('analyst');

  return (
    <section className="card ct-header" aria-label="Contact">
      <div className="ct-header__title">
        <h1>{contact.externalId ?? 'Anonymous contact'}</h1>
        {name && <span className="ct-header__name">{name}</span>}
      </div>
      <dl className="ct-facts">
        {contact.anonymousId && <Fact term="Anonymous id" value={<code>{contact.anonymousId}</code>} />}
        <Fact
          term="Phone"
          value={
            contact.phone ? (
              <>
                <span>{contact.phone}</span>
                {masked && <span className="muted small"> (masked)</span>}
              </>
            ) : (
              <span className="muted">none</span>
            )
          }
        />
        {contact.email && <Fact term="Email" value={contact.email} />}
        <Fact term="Time zone" value={tz} />
        <Fact
          term="Opt-outs"
          value={
            contact.optOuts.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <span className="ct-chips">
                {contact.optOuts.map((ch) => (
                  <span key={ch} className="ct-chip ct-chip--bad">
                    opted out of {channelName(ch)}
                  </span>
                ))}
              </span>
            )
          }
        />
        <Fact term="Registered" value={contact.registeredAt === null ? <span className="muted">unknown</span> : dateTimeIn(contact.registeredAt, tz)} />
        <Fact term="First seen" value={dateTimeIn(contact.createdAt, tz)} />
      </dl>
      {key.length > 0 && (
        <dl className="ct-traits" aria-label="Traits">
          {key.map(([k, v]) => (
            <Fact key={k} term={k} value={traitText(v)} />
          ))}
        </dl>
      )}
      {more.length > 0 && (
        <details className="ct-more">
          <summary>{more.length} more traits</summary>
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
