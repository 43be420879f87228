import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts } from '../db/schema';
import type { LoadedVersion } from './machines';
import { DAY } from '../../shared/util/time';
import { assertNever } from '../../shared/util/assertNever';

export interface EnrolOptions {
  /** contacts per INSERT…SELECT chunk */
  chunk?: number;
  /** order of entry: newest registrations first unless told otherwise */
  order?: 'newest_first' | 'oldest_first';
}

/** Re-entry policy as a NOT EXISTS over this journey's earlier runs of the contact. */
function reentrySql(v: LoadedVersion, now: number): SQL {
  const r = v.machine.settings.reentry;
  const prior = sql`select 1 from runs r where r.journey_id = ${v.journeyId} and r.contact_id = ${contacts.id}`;
  switch (r.policy) {
    case 'never':
      return sql`not exists (${prior})`;
    case 'after_exit':
      return sql`not exists (${prior} and r.status <> 'exited')`;
    case 'after_days':
      return sql`not exists (${prior} and (r.status <> 'exited' or r.entered_at > ${now - r.days * DAY}))`;
    default:
      return assertNever(r, 're-entry policy');
  }
}

/**
 * Enrol the contacts matching `where` into version `v`, set-based: each chunk
 * is one INSERT…SELECT in its own transaction, so a million-contact segment
 * never holds the write lock for long. New runs are due at once (`wake_at =
 * now`); the next tick starts them. Re-entry (same version) resets the
 * existing row and keeps counting visits, so message keys stay unique.
 * Returns how many contacts entered.
 */
export function enrol(db: Db, v: LoadedVersion, where: SQL, now: number, opts: EnrolOptions = {}): number {
  const { entry, exclusionGroup } = v.machine.settings;
  if (entry.from && now < Date.parse(entry.from)) return 0;
  if (entry.until && now >= Date.parse(entry.until)) return 0;
  const chunk = opts.chunk ?? 5000;
  const order = opts.order === 'oldest_first' ? sql`${contacts.registeredAt} asc, ${contacts.id} asc` : sql`${contacts.registeredAt} desc, ${contacts.id} desc`;
  const exclusion = exclusionGroup
    ? sql`and not exists (select 1 from runs x where x.contact_id = ${contacts.id} and x.exclusion_group = ${exclusionGroup} and x.status <> 'exited' and x.journey_id <> ${v.journeyId})`
    : sql``;
  let total = 0;
  for (;;) {
    let limit = chunk;
    if (entry.maxContacts !== null) {
      const so = db.get<{ n: number }>(sql`select count(*) n from runs where journey_id = ${v.journeyId}`);
      limit = Math.min(chunk, entry.maxContacts - (so?.n ?? 0));
      if (limit <= 0) return total;
    }
    const inserted = db.run(sql`
      insert into runs (journey_id, version_id, contact_id, node_id, status, visit, wake_at, entered_at, node_entered_at, exclusion_group, entries)
      select ${v.journeyId}, ${v.versionId}, ${contacts.id}, ${v.machine.entry}, 'active', 1, ${now}, ${now}, ${now}, ${exclusionGroup}, 1
      from ${contacts}
      where ${where} and ${reentrySql(v, now)} ${exclusion}
      order by ${order}
      limit ${limit}
      on conflict (version_id, contact_id) do update set
        node_id = excluded.node_id, status = 'active', visit = runs.visit + 1, wake_at = excluded.wake_at, waiting_for = null,
        entered_at = excluded.entered_at, node_entered_at = excluded.node_entered_at, exit_reason = null, exited_at = null,
        entries = runs.entries + 1`).changes;
    total += inserted;
    if (inserted < limit) return total;
  }
}
