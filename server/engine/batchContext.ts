import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import type { PolicyCheck } from '../../shared/journey/run';
import type { Profile, ProfileEvent } from '../../shared/segments/evaluate';
import type { ContactPolicy } from '../../shared/policy/policy';
import { decide, type LedgerEntry } from '../../shared/policy/decide';
import { DAY, HOUR } from '../../shared/util/time';

interface ContactRow {
  id: number;
  traits: string;
  timezone: string | null;
  registered_at: number | null;
  opt_outs: string;
}

export interface ContactState {
  profile: Profile;
  optedOut: ReadonlySet<Channel>;
  ledger: LedgerEntry[];
}

const noOptOuts: ReadonlySet<Channel> = new Set();

/**
 * A profile whose traits are parsed from their JSON on first read: most steps
 * (waits, sends, exits) never look at traits, and a million JSON.parse calls
 * are a large share of a wave's time.
 */
function lazyProfile(traitsJson: string, timezone: string, registeredAt: number | null): Profile {
  const profile = { timezone, registeredAt, events: [] as ProfileEvent[] } as unknown as Profile;
  Object.defineProperty(profile, 'traits', {
    configurable: true,
    enumerable: true,
    get(): Record<string, unknown> {
      const traits = JSON.parse(traitsJson) as Record<string, unknown>;
      Object.defineProperty(profile, 'traits', { value: traits, writable: true, enumerable: true, configurable: true });
      return traits;
    },
  });
  return profile;
}

/**
 * What `step` needs about a batch of contacts, loaded with one query per kind
 * of data (never one per contact): profiles, recent sends for the caps, and
 * the event history the batch's branch conditions look at.
 */
export function loadContacts(
  db: Db,
  ids: readonly number[],
  now: number,
  opts: { defaultTimezone: string; policy: ContactPolicy; history: ReadonlyMap<string, number> },
): Map<number, ContactState> {
  const idsJson = JSON.stringify([...new Set(ids)]);
  const out = new Map<number, ContactState>();
  const rows = db.$client
    .prepare<[string], ContactRow>('select id, traits, timezone, registered_at, opt_outs from contacts where id in (select value from json_each(?))')
    .all(idsJson);
  for (const r of rows)
    out.set(r.id, {
      profile: lazyProfile(r.traits, r.timezone ?? opts.defaultTimezone, r.registered_at),
      optedOut: r.opt_outs === '[]' ? noOptOuts : new Set(JSON.parse(r.opt_outs) as Channel[]),
      ledger: [],
    });

  const capWindow = Math.max(0, ...opts.policy.caps.map((c) => c.windowHours)) * HOUR;
  if (capWindow > 0)
    for (const s of db.$client
      .prepare<[string, number], { contact_id: number; channel: Channel; at: number }>(
        // the ledger is the outbox itself: every message the policy let through, any journey, any outcome
        `select r.contact_id, m.channel, m.queued_at at from runs r join messages m on m.run_id = r.id
         where r.contact_id in (select value from json_each(?)) and m.queued_at > ?`,
      )
      .all(idsJson, now - capWindow))
      out.get(s.contact_id)?.ledger.push({ channel: s.channel, at: s.at });

  if (opts.history.size > 0) {
    const maxDays = Math.max(...opts.history.values());
    const names = JSON.stringify([...opts.history.keys()]);
    for (const e of db.$client
      .prepare<[string, string, number], { contact_id: number; name: string; at: number; properties: string }>(
        `select contact_id, name, at, properties from events
         where contact_id in (select value from json_each(?)) and name in (select value from json_each(?)) and at >= ?`,
      )
      .all(idsJson, names, now - maxDays * DAY)) {
      const c = out.get(e.contact_id);
      if (c) (c.profile.events as ProfileEvent[]).push({ name: e.name, at: e.at, properties: JSON.parse(e.properties) as Record<string, unknown> });
    }
  }
  return out;
}

/**
 * The policy verdicts for one contact during a batch. An allowed message is
 * entered in the in-memory ledger at once, so a second message in the same
 * batch, from this journey or another, already counts it against the caps.
 */
export function policyFor(policy: ContactPolicy, c: ContactState, now: number): PolicyCheck {
  return (req) => {
    const verdict = decide(policy, { ...req, now, timezone: c.profile.timezone, optedOut: c.optedOut, sends: c.ledger });
    if (verdict.decision === 'allow') c.ledger.push({ channel: req.channel, at: now });
    return verdict;
  };
}
