import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import type { PolicyCheck } from '../../shared/journey/run';
import type { Profile, ProfileEvent } from '../../shared/segments/evaluate';
import type { ContactPolicy } from '../../shared/policy/policy';
import { decide, ledgerHours, type LedgerEntry } from '../../shared/policy/decide';
import type { GuardrailFacts } from '../../shared/policy/guardrails';
import type { CompiledJourney } from '../../shared/journey/machine';
import { DAY, HOUR } from '../../shared/util/time';
import { ContactNotLoaded } from '../../shared/journey/errors';

export interface ContactState {
  /** the contact's id (the global control group is a hash of it) */
  id: number;
  profile: Profile;
  optedOut: ReadonlySet<Channel>;
  ledger: LedgerEntry[];
  /** what the lending guardrails read: the latest rejection within the cooldown, the overdue trait */
  rejectedAt: number | null;
  overdue: boolean;
  /** marked sleeping (server/sleeping/) */
  sleeping: boolean;
}

const noOptOuts: ReadonlySet<Channel> = new Set();

/**
 * A profile whose traits are parsed from their JSON on first read: most steps
 * (waits, sends, exits) never look at traits, and a million JSON.parse calls
 * are a large share of a wave's time. A class with prototype getters keeps
 * the object's shape fixed (a per-object defineProperty would not), and one
 * class for loaded and unloaded contacts (`unloadedContact`) keeps `step`'s
 * reads of a profile monomorphic: a second shape deoptimised it. A trait set
 * copies the fields by name (`withTrait`): a spread would miss the getters.
 */
class LazyProfile implements Profile {
  private parsed: Record<string, unknown> | undefined = undefined;
  private readonly recent: ProfileEvent[] = [];
  constructor(
    /** null: not loaded, and every read throws `ContactNotLoaded` */
    private readonly traitsJson: string | null,
    private readonly zone: string,
    private readonly registered: number | null,
  ) {}
  get traits(): Record<string, unknown> {
    if (this.traitsJson === null) return refuse();
    return (this.parsed ??= JSON.parse(this.traitsJson) as Record<string, unknown>);
  }
  get timezone(): string {
    return this.traitsJson === null ? refuse() : this.zone;
  }
  get registeredAt(): number | null {
    return this.traitsJson === null ? refuse() : this.registered;
  }
  get events(): ProfileEvent[] {
    return this.traitsJson === null ? refuse() : this.recent;
  }
}

/** One instance, thrown at every read: a step that reads the contact is stepped again with it, and the stack says nothing. */
const notLoaded = new ContactNotLoaded('the step read a contact that was not loaded');
function refuse(): never {
  throw notLoaded;
}

/**
 * The contact of a step context that has none: a run whose step reads no
 * contact (a timer that ends at an exit or the next wait, a wait's event
 * port) completes with it; any other throws `ContactNotLoaded` at the first
 * read of its profile or the first verdict it asks, before deciding anything.
 */
export const unloadedContact: { profile: Profile; policy: PolicyCheck } = { profile: new LazyProfile(null, '', null), policy: refuse };

/** Which of these contacts exist (a run whose contact is gone leaves the journey): one index probe each. */
export function createContactCheck(db: Db): (ids: readonly number[]) => Set<number> {
  const existing = db.$client.prepare<[string], number>('select id from contacts where id in (select value from json_each(?))').pluck();
  return (ids) => new Set(ids.length === 0 ? [] : existing.all(JSON.stringify([...new Set(ids)])));
}

/**
 * What `step` needs about a batch of contacts, loaded with one query per kind
 * of data (never one per contact): profiles, recent sends for the caps, and
 * the event history the batch's branch conditions look at.
 */
export type ContactLoader = (ids: readonly number[], now: number, opts: { defaultTimezone: string; policy: ContactPolicy; history: ReadonlyMap<string, number> }) => Map<number, ContactState>;

export function createContactLoader(db: Db): ContactLoader {
  const c = db.$client;
  // arrays, not row objects: better-sqlite3 builds row objects key by key, slower than the query
  const profiles = c
    .prepare<[string, string], [number, string, string | null, number | null, string, unknown, number]>(
      // the overdue trait is read here, by SQLite, so that the policy needs no parse of the traits
      'select id, traits, timezone, registered_at, opt_outs, traits ->> ?, sleeping_since is not null from contacts where id in (select value from json_each(?))',
    )
    .raw(true);
  // the ledger is the outbox itself: every message the policy let through, any journey, any outcome;
  // as one JSON array for the batch, parsed once (a row per message costs more in better-sqlite3 than the
  // query); the id array (no repeats: a Set) drives the loop, a cross join, cheaper than `in` with its list built first
  const ledger = c
    .prepare<[string, number], string>(
      `select json_group_array(json_array(r.contact_id, m.channel, m.queued_at))
       from json_each(?) j cross join runs r on r.contact_id = j.value join messages m on m.run_id = r.id where m.queued_at > ?`,
    )
    .pluck();
  // the latest rejection within the cooldown, per contact (events_contact_name_at answers it)
  const rejections = c
    .prepare<[string, string, number, number], [number, number]>(
      'select contact_id, max(at) from events where contact_id in (select value from json_each(?)) and name = ? and at > ? and at <= ? group by contact_id',
    )
    .raw(true);
  const history = c.prepare<[string, string, number], { contact_id: number; name: string; at: number; properties: string }>(
    `select contact_id, name, at, properties from events
     where contact_id in (select value from json_each(?)) and name in (select value from json_each(?)) and at >= ?`,
  );

  return (ids, now, opts) => {
    const idsJson = JSON.stringify([...new Set(ids)]);
    const out = new Map<number, ContactState>();
    const { overdue, rejectionCooldown } = opts.policy.guardrails;
    for (const [id, traits, timezone, registeredAt, optOuts, overdueValue, sleeping] of profiles.all(overdue.trait, idsJson))
      out.set(id, {
        id,
        profile: new LazyProfile(traits, timezone ?? opts.defaultTimezone, registeredAt),
        optedOut: optOuts === '[]' ? noOptOuts : new Set(JSON.parse(optOuts) as Channel[]),
        ledger: [],
        rejectedAt: null,
        sleeping: sleeping === 1,
        overdue: overdue.enabled && overdueValue !== null && String(overdueValue) === overdue.value,
      });
    if (rejectionCooldown.enabled)
      for (const [contactId, at] of rejections.all(idsJson, rejectionCooldown.event, now - rejectionCooldown.days * DAY, now)) {
        const contact = out.get(contactId);
        if (contact) contact.rejectedAt = at;
      }

    const capWindow = ledgerHours(opts.policy) * HOUR;
    if (capWindow > 0)
      for (const [contactId, channel, at] of JSON.parse(ledger.get(idsJson, now - capWindow) as string) as [number, Channel, number][]) out.get(contactId)?.ledger.push({ channel, at });

    if (opts.history.size > 0) {
      const maxDays = Math.max(...opts.history.values());
      for (const e of history.all(idsJson, JSON.stringify([...opts.history.keys()]), now - maxDays * DAY)) {
        const contact = out.get(e.contact_id);
        if (contact) (contact.profile.events as ProfileEvent[]).push({ name: e.name, at: e.at, properties: JSON.parse(e.properties) as Record<string, unknown> });
      }
    }
    return out;
  };
}

/**
 * The policy verdicts for one contact during a batch. An allowed message is
 * entered in the in-memory ledger at once, so a second message in the same
 * batch, from this journey or another, already counts it against the caps.
 */
export function policyFor(policy: ContactPolicy, c: ContactState, now: number, journey: Pick<CompiledJourney, 'triggerEvent' | 'settings'>): PolicyCheck {
  const facts: GuardrailFacts = {
    rejectedAt: c.rejectedAt,
    overdue: c.overdue,
    respondsToRejection: journey.triggerEvent !== null && journey.triggerEvent === policy.guardrails.rejectionCooldown.event,
    sleeping: c.sleeping,
    // a version published before the setting existed has none: it excludes them, the default
    targetsSleeping: (journey.settings.sleeping as string | undefined) === 'include',
  };
  return (req) => {
    const verdict = decide(policy, { channel: req.channel, category: req.category, now, timezone: c.profile.timezone, optedOut: c.optedOut, sends: c.ledger, contactId: c.id, facts });
    if (verdict.decision === 'allow') c.ledger.push({ channel: req.channel, at: now });
    return verdict;
  };
}
