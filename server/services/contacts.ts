import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { channels } from '../../shared/journey/channels';
import { isTimeZone } from '../../shared/util/time';
import { normalizePhone, phoneSpellings } from '../../shared/contacts/phone';

interface ContactRow {
  id: number;
  external_id: string | null;
  anonymous_id: string | null;
  traits: string;
  opt_outs: string;
}

/** Traits with a column of their own: they are also kept in `traits`, as the SDK sent them. */
function columnsFromTraits(traits: Record<string, unknown>): { phone?: string; email?: string; timezone?: string; registeredAt?: number } {
  const out: { phone?: string; email?: string; timezone?: string; registeredAt?: number } = {};
  if (typeof traits.phone === 'string' && traits.phone.trim()) out.phone = normalizePhone(traits.phone);
  if (typeof traits.email === 'string' && traits.email.trim()) out.email = traits.email.trim();
  const tz = traits.timezone ?? traits.time_zone;
  if (typeof tz === 'string' && isTimeZone(tz)) out.timezone = tz;
  const reg = traits.registered_at ?? traits.createdAt ?? traits.created_at;
  const t = typeof reg === 'number' ? reg : typeof reg === 'string' ? Date.parse(reg) : Number.NaN;
  if (Number.isFinite(t)) out.registeredAt = t;
  return out;
}

/** Contact identity and traits: resolve-or-create by userId / anonymousId, merge traits, opt-outs, alias. */
export function createContactStore(db: Db) {
  const c = db.$client;
  const byExternal = c.prepare<[string], ContactRow>('select id, external_id, anonymous_id, traits, opt_outs from contacts where external_id = ?');
  const byAnonymous = c.prepare<[string], ContactRow>('select id, external_id, anonymous_id, traits, opt_outs from contacts where anonymous_id = ?');
  const insert = c.prepare<[string | null, string | null, number, number, number], { id: number }>(
    `insert into contacts (external_id, anonymous_id, traits, opt_outs, registered_at, created_at, updated_at) values (?, ?, '{}', '[]', ?, ?, ?) returning id`,
  );
  const setExternal = c.prepare('update contacts set external_id = ?, updated_at = ? where id = ?');
  const mergeTraits = c.prepare(
    `update contacts set traits = json_patch(traits, ?), phone = coalesce(?, phone), email = coalesce(?, email),
       timezone = coalesce(?, timezone), registered_at = coalesce(?, registered_at), updated_at = ? where id = ?`,
  );
  const setOptOuts = c.prepare('update contacts set opt_outs = ?, updated_at = ? where id = ?');
  const byPhone = c.prepare<[string], { id: number; opt_outs: string }>('select id, opt_outs from contacts where phone = ?');

  const find = (userId: string | null | undefined, anonymousId: string | null | undefined): ContactRow | undefined =>
    (userId ? byExternal.get(userId) : undefined) ?? (anonymousId ? byAnonymous.get(anonymousId) : undefined);

  return {
    find,
    /** The contact for these ids, created on first sight (first-seen time stands in for registration). */
    resolve(userId: string | null | undefined, anonymousId: string | null | undefined, now: number): number {
      const known = userId ? byExternal.get(userId) : undefined;
      if (known) return known.id;
      const anon = anonymousId ? byAnonymous.get(anonymousId) : undefined;
      if (anon && (!userId || !anon.external_id)) {
        if (userId) setExternal.run(userId, now, anon.id);
        return anon.id;
      }
      // a new userId on a device whose anonymousId already belongs to another user (a shared phone):
      // a contact of its own, without the taken anonymousId, never the other user's contact
      return (insert.get(userId ?? null, anon ? null : (anonymousId ?? null), now, now, now) as { id: number }).id;
    },

    /** Merge traits (null deletes a trait, as JSON merge-patch does) and refresh the columns they feed. */
    identify(contactId: number, traits: Record<string, unknown>, now: number): void {
      const cols = columnsFromTraits(traits);
      mergeTraits.run(JSON.stringify(traits), cols.phone ?? null, cols.email ?? null, cols.timezone ?? null, cols.registeredAt ?? null, now, contactId);
    },

    optOut(contactId: number, channel: Channel, now: number): void {
      const row = c.prepare<[number], { opt_outs: string }>('select opt_outs from contacts where id = ?').get(contactId);
      const set = new Set(JSON.parse(row?.opt_outs ?? '[]') as Channel[]);
      set.add(channel);
      setOptOuts.run(JSON.stringify(channels.filter((ch) => set.has(ch))), now, contactId);
    },

    /** Contacts with this phone number, however punctuated, with or without its + (an inbound SMS names only the number). */
    byPhone: (phone: string): number[] => [...new Set(phoneSpellings(normalizePhone(phone)).flatMap((p) => byPhone.all(p).map((r) => r.id)))],
  };
}

export type ContactStore = ReturnType<typeof createContactStore>;
