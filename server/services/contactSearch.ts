import { maskPhone } from '../../shared/auth/roles';
import type { Pii } from './timeline';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import { phoneSearchPrefix } from '../../shared/contacts/phone';

/**
 * A prefix range with more entries than this is broad ("u", "+86", a common
 * surname): its newest matches are looked for newest first instead of by
 * sorting the whole range, which at a million contacts would cost 100 ms.
 */
export const RANGE_PROBE = 20_000;
/** How many of the newest contacts a broad prefix reads before it sorts its ranges after all. */
export const NEWEST_SCAN = 20_000;
export const SEARCH_LIMIT = 20;
/** Case variants are tried for this many leading letters; the rest of the prefix is matched by LIKE inside each range. */
const CASED_LETTERS = 3;
// the highest code point: every string that starts with p sorts below p + this (UTF-8, BINARY collation)
const TOP = '\u{10FFFF}';

export type ContactMatch = 'externalId' | 'phone' | 'name';

export interface ContactHit {
  id: number;
  externalId: string | null;
  anonymousId: string | null;
  phone: string | null;
  name: string | null;
  timezone: string | null;
  registeredAt: number | null;
  createdAt: number;
  /** the first field that matched, for the result list to highlight */
  matched: ContactMatch;
}

interface Row {
  id: number;
  external_id: string | null;
  anonymous_id: string | null;
  phone: string | null;
  name: unknown;
  timezone: string | null;
  registered_at: number | null;
  created_at: number;
}

const startsWith = (value: unknown, needle: string): boolean => typeof value === 'string' && value.toLowerCase().startsWith(needle);

/** Which field the list shows as the match; LIKE folds only ASCII, so a non-ASCII case mismatch falls back to the id. */
function matchedField(r: Row, needle: string): ContactMatch {
  const lower = needle.toLowerCase();
  if (startsWith(r.external_id, lower)) return 'externalId';
  if (startsWith(r.phone, phoneSearchPrefix(needle))) return 'phone';
  return startsWith(r.name, lower) ? 'name' : 'externalId';
}

const likePrefix = (q: string): string => `${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * The index prefixes that together cover every string starting with `q`, ignoring case:
 * the case variants of `q` up to its CASED_LETTERS-th letter (at most 2^3 ranges). A binary
 * index cannot answer a case-insensitive prefix on its own; a few disjoint ranges can.
 */
export function casePrefixes(q: string): string[] {
  let prefixes = [''];
  let letters = 0;
  for (const ch of q) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    const cased = lo !== up && lo.length === 1 && up.length === 1;
    if (cased && letters === CASED_LETTERS) break;
    prefixes = cased ? prefixes.flatMap((p) => [p + lo, p + up]) : prefixes.map((p) => p + ch);
    if (cased) letters++;
  }
  return prefixes;
}

/**
 * Contact search for the timeline page, newest first, by external id, phone or
 * name, each through its index (names through an index on the traits' name).
 * A narrow prefix (no range past RANGE_PROBE entries, counted in SQLite) takes
 * the newest n of each range; a broad one reads the newest NEWEST_SCAN contacts
 * newest first and stops at the n-th match, and only when they hold fewer
 * than n sorts its ranges after all. Either way the answer is exactly the newest n.
 */
export function createContactSearch(db: Db, { rangeProbe = RANGE_PROBE, newestScan = NEWEST_SCAN } = {}) {
  const c = db.$client;
  const name = `(traits ->> 'name')`;
  const cols = `id, external_id, anonymous_id, phone, ${name} name, timezone, registered_at, created_at`;
  type Field = 'external_id' | 'phone' | 'name';
  const column: Record<Field, string> = { external_id: 'external_id', phone: 'phone', name };
  // each range stays on its index; LIKE (ASCII case-insensitive) checks the part of q past the range prefix
  const range = (f: Field) => `${column[f]} >= ? and ${column[f]} < ? and ${column[f]} like ? escape '\\'`;
  const fields: Field[] = ['external_id', 'phone', 'name'];
  // how many entries a range holds, counted in SQLite up to one past the probe (no row reaches JavaScript)
  const probe = Object.fromEntries(
    fields.map((f) => [f, c.prepare<[string, string, string], number>(`select count(*) from (select 1 from contacts where ${range(f)} limit ${rangeProbe + 1})`).pluck()]),
  ) as Record<Field, Database.Statement<[string, string, string], number>>;
  const newestOfRange = Object.fromEntries(
    fields.map((f) => [f, c.prepare<[string, string, string, number], number>(`select id from contacts where ${range(f)} order by id desc limit ?`).pluck()]),
  ) as Record<Field, Database.Statement<[string, string, string, number], number>>;
  const rowsOf = c.prepare<[string], Row>(`select ${cols} from contacts where id in (select value from json_each(?)) order by id desc`);
  // the newest contacts, newest first, from the id NEWEST_SCAN places below the top: a rowid range, stopped at the n-th match
  const inNewest = c.prepare<[number, string, string, string, number], Row>(
    `select ${cols} from contacts where id >= coalesce((select id from contacts order by id desc limit 1 offset ?), 0)
     and (external_id like ? escape '\\' or phone like ? escape '\\' or ${name} like ? escape '\\') order by id desc limit ?`,
  );
  const newest = c.prepare<[number], Row>(`select ${cols} from contacts order by id desc limit ?`);

  const hit = (r: Row, needle: string): ContactHit => ({
    id: r.id,
    externalId: r.external_id,
    anonymousId: r.anonymous_id,
    phone: r.phone,
    name: r.name == null ? null : String(r.name),
    timezone: r.timezone,
    registeredAt: r.registered_at,
    createdAt: r.created_at,
    matched: matchedField(r, needle),
  });

  return {
    /** Up to `limit` (max 20) contacts whose external id, phone or name starts with `q`, ignoring case; an empty `q` lists the newest. */
    search(input: { q: string; limit?: number }, { pii }: Pii = { pii: true }): ContactHit[] {
      const hits = find(input);
      return pii ? hits : hits.map((h) => ({ ...h, phone: maskPhone(h.phone) }));
    },
  };

  function find({ q, limit = SEARCH_LIMIT }: { q: string; limit?: number }): ContactHit[] {
    const n = Math.max(1, Math.min(SEARCH_LIMIT, Math.floor(limit)));
    const needle = q.trim();
    if (!needle) return newest.all(n).map((r) => hit(r, ''));
    const like = likePrefix(needle);
    // numbers are stored without punctuation: "+86 138-" looks for "+86138"
    const phone = phoneSearchPrefix(needle);
    const likePhone = likePrefix(phone);
    const ranges: [Field, string, string][] = [
      ...casePrefixes(needle).map((p): [Field, string, string] => ['external_id', p, like]),
      ...casePrefixes(phone).map((p): [Field, string, string] => ['phone', p, likePhone]),
      ...casePrefixes(needle).map((p): [Field, string, string] => ['name', p, like]),
    ];
    const broad = ranges.some(([f, p, l]) => (probe[f].get(p, p + TOP, l) ?? 0) > rangeProbe);
    if (broad) {
      // n matches among the newest are the newest n overall: anything newer than the n-th would be in the window
      const recent = inNewest.all(newestScan - 1, like, likePhone, like, n);
      if (recent.length === n) return recent.map((r) => hit(r, needle));
    }
    // the newest n of each range (they are disjoint, so the newest n overall are among them), sorted in SQLite
    const ids = new Set<number>();
    for (const [f, p, l] of ranges) for (const id of newestOfRange[f].all(p, p + TOP, l, n)) ids.add(id);
    const top = [...ids].sort((a, b) => b - a).slice(0, n);
    return top.length === 0 ? [] : rowsOf.all(JSON.stringify(top)).map((r) => hit(r, needle));
  }
}
export type ContactSearch = ReturnType<typeof createContactSearch>;
