import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts } from '../db/schema';
import type { LoadedVersion } from './machines';
import { DAY } from '../../shared/util/time';
import { runStore } from '../runs';
import { assertNever } from '../../shared/util/assertNever';

export interface EnrolOptions {
  /** contacts scanned per INSERT…SELECT chunk (default `enrolChunk`) */
  chunk?: number;
  /** order of entry: newest registrations first unless told otherwise */
  order?: 'newest_first' | 'oldest_first';
}

/** What the admission rules read of a version: its journey and settings (a draft's compile will do, for the forecast). */
type Admitting = Pick<LoadedVersion, 'journeyId'> & { machine: Pick<LoadedVersion['machine'], 'settings'> };

/**
 * Re-entry policy as a NOT EXISTS over this journey's earlier runs of the
 * contact. It probes (version, contact) for each of the journey's versions:
 * the unique index answers "was here before" without reading a row.
 */
export function reentrySql(db: Db, v: Admitting, now: number): SQL {
  const r = v.machine.settings.reentry;
  const versionIds = db.$client
    .prepare<[string], { id: number }>('select id from journey_versions where journey_id = ?')
    .all(v.journeyId)
    .map((x) => x.id);
  const prior = sql`select 1 from runs r where r.contact_id = ${contacts.id} and r.version_id in (${sql.join(
    versionIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
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
 * Contacts a segment entry walks in one INSERT…SELECT (one transaction), which
 * no API writer can cut short. At 5,000, in bench:api's loaded minute, 154–185
 * chunks held the write lock over 6 ms (9–15 ms on average) with a /v1 write
 * waiting behind them; at 1,000, 12–31 did. A 1M-contact enrolment takes
 * 1.93–2.27 s at 5,000, 2.15–2.35 s at 2,000 and 2.3–4.3 s at 1,000
 * (bench/engine.ts), so 2,000: about 4 ms a chunk under load, by proportion
 * (not measured there).
 */
export const enrolChunk = 2000;

interface Cursor {
  /** null once the contacts with a registration date are done and the undated ones remain */
  registeredAt: number | null;
  id: number;
}

/**
 * Enrol the contacts matching `where` into version `v`, set-based and in
 * order of registration (newest first by default; contacts without a date
 * come last). The contacts are walked in key ranges of `chunk` through the
 * registration index, and each range is one INSERT…SELECT in its own
 * transaction: a million-contact segment never holds the write lock for long,
 * and no chunk rescans the contacts an earlier chunk already passed. New runs
 * are due at once (`wake_at = now`), in the order they entered. Re-entry (same
 * version) resets the existing row and keeps counting visits, so message keys
 * stay unique. Returns how many contacts entered.
 */
export function enrol(db: Db, v: LoadedVersion, where: SQL, now: number, opts: EnrolOptions = {}): number {
  const { entry } = v.machine.settings;
  if (!entryOpen(v, now)) return 0;
  const chunk = opts.chunk ?? enrolChunk;
  const desc = opts.order !== 'oldest_first';
  const dir = desc ? sql`desc` : sql`asc`;
  const cmp = desc ? sql`<` : sql`>`;
  const c = db.$client;
  let remaining = Number.POSITIVE_INFINITY;
  if (entry.maxContacts !== null) {
    const so = c.prepare<[string], { n: number }>('select count(*) n from runs where version_id in (select id from journey_versions where journey_id = ?)').get(v.journeyId);
    remaining = entry.maxContacts - (so?.n ?? 0);
  }

  const after = (cur: Cursor | null, dated: boolean): SQL =>
    cur === null ? sql`` : dated ? sql`and (${contacts.registeredAt}, ${contacts.id}) ${cmp} (${cur.registeredAt}, ${cur.id})` : sql`and ${contacts.id} ${cmp} ${cur.id}`;
  /** The last contact of the next range of `chunk` contacts after `cur`, or null when fewer remain (the range runs to the end). */
  const boundary = (cur: Cursor | null, dated: boolean): Cursor | null => {
    const row = db.get<{ r: number | null; id: number } | undefined>(sql`
      select ${contacts.registeredAt} r, ${contacts.id} id from ${contacts}
      where ${contacts.registeredAt} is ${dated ? sql`not null` : sql`null`} ${after(cur, dated)}
      order by ${contacts.registeredAt} ${dir}, ${contacts.id} ${dir} limit 1 offset ${chunk - 1}`);
    return row ? { registeredAt: row.r, id: row.id } : null;
  };

  let total = 0;
  for (const dated of [true, false]) {
    let cur: Cursor | null = null;
    for (;;) {
      if (remaining <= 0) return total;
      const end = boundary(cur, dated);
      const upTo =
        end === null
          ? sql``
          : dated
            ? sql`and (${contacts.registeredAt}, ${contacts.id}) ${desc ? sql`>=` : sql`<=`} (${end.registeredAt}, ${end.id})`
            : sql`and ${contacts.id} ${desc ? sql`>=` : sql`<=`} ${end.id}`;
      const inserted = insertRuns(db, v, sql`${contacts.registeredAt} is ${dated ? sql`not null` : sql`null`} ${after(cur, dated)} ${upTo} and ${where}`, now, {
        order: sql`${contacts.registeredAt} ${dir}, ${contacts.id} ${dir}`,
        limit: remaining,
      });
      total += inserted;
      remaining -= inserted;
      if (end === null) break;
      cur = end;
    }
  }
  return total;
}

/** Inside the journey's entry window (settings.entry.from / until)? */
function entryOpen(v: LoadedVersion, now: number): boolean {
  const { entry } = v.machine.settings;
  return !(entry.from && now < Date.parse(entry.from)) && !(entry.until && now >= Date.parse(entry.until));
}

/**
 * Enrol the contacts matching `where` that re-entry and the exclusion group
 * admit, as runs due at once: the run store's one INSERT…SELECT (which also
 * moves the entry node's gauge), in one transaction.
 */
function insertRuns(db: Db, v: LoadedVersion, where: SQL, now: number, o: { order?: SQL; limit?: number } = {}): number {
  const { exclusionGroup } = v.machine.settings;
  const excluded = exclusionSql(v);
  const exclusion = excluded ? sql`and not ${excluded}` : sql``;
  // re-entry first: SQLite tests the terms in the order written, and after a segment's first entry most of its
  // contacts already have a run, which one probe of the (contact, version) index finds; the segment rule (event
  // look-backs, traits) is then evaluated only for the contacts re-entry admits
  return runStore(db).enter({ journeyId: v.journeyId, versionId: v.versionId, entry: v.machine.entry, exclusionGroup }, sql`${reentrySql(db, v, now)} and ${where} ${exclusion}`, now, o);
}

/**
 * The mutual-exclusion group as an EXISTS over `contacts`: the contact is in
 * another journey of the same group now (through the contact's runs). Null
 * when the journey is in no group.
 */
export function exclusionSql(v: Admitting): SQL | null {
  const { exclusionGroup } = v.machine.settings;
  return exclusionGroup
    ? sql`exists (select 1 from runs x where x.contact_id = ${contacts.id} and x.exclusion_group = ${exclusionGroup} and x.status <> 'exited' and x.journey_id <> ${v.journeyId})`
    : null;
}

/** Event entry: enrol one contact (an ingested event matched the trigger), under the same rules as segment entry. */
export function enrolContact(db: Db, v: LoadedVersion, contactId: number, now: number): boolean {
  if (!entryOpen(v, now)) return false;
  const { maxContacts } = v.machine.settings.entry;
  if (maxContacts !== null) {
    const so = db.$client.prepare<[string], { n: number }>('select count(*) n from runs where version_id in (select id from journey_versions where journey_id = ?)').get(v.journeyId);
    if ((so?.n ?? 0) >= maxContacts) return false;
  }
  return insertRuns(db, v, sql`${contacts.id} = ${contactId}`, now) > 0;
}
