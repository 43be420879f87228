import { maskPhone } from '../../shared/auth/roles';
import type { Pii } from './timeline';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import { phoneSearchPrefix } from '../../shared/contacts/phone';

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
 * Contact search for the timeline page, by external id, phone or name prefix,
 * each through its index (names through an index on the traits' name), in
 * index order: the matched value as SQLite sorts it, then newest first. A value
 * typed in full comes before the longer ones it starts, so the contact "u12" is
 * found first among the 11,000 whose ids start with u12, and each range is read
 * only as far as the n-th entry: a search costs the same at a thousand contacts
 * or a million. An empty query lists the newest contacts.
 */
export function createContactSearch(db: Db) {
  const c = db.$client;
  const name = `(traits ->> 'name')`;
  const cols = `id, external_id, anonymous_id, phone, ${name} name, timezone, registered_at, created_at`;
  type Field = 'external_id' | 'phone' | 'name';
  const column: Record<Field, string> = { external_id: 'external_id', phone: 'phone', name };
  const fields: Field[] = ['external_id', 'phone', 'name'];
  // each range stays on its index, read in its order up to the n-th entry; LIKE (ASCII case-insensitive) checks the part of q past the range prefix
  // (external ids are unique, so theirs needs no newest-first tie-break: without it SQLite reads the index in order, with no sort)
  const firstOfRange = Object.fromEntries(
    fields.map((f) => [
      f,
      c.prepare<[string, string, string, number], Row>(
        `select ${cols}, ${column[f]} as key from contacts where ${column[f]} >= ? and ${column[f]} < ? and ${column[f]} like ? escape '\\' order by ${column[f]}${f === 'external_id' ? '' : ', id desc'} limit ?`,
      ),
    ]),
  ) as Record<Field, Database.Statement<[string, string, string, number], Row & { key: string }>>;
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
    /** Up to `limit` (max 20) contacts whose external id, phone or name starts with `q`, ignoring case, in index order; an empty `q` lists the newest. */
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
    // the first n of each range: the ranges are disjoint within a field, so the first n overall are among them; a contact
    // matched in two fields sorts by the smaller of its values
    const best = new Map<number, { row: Row; key: Buffer }>();
    for (const [f, p, l] of ranges) {
      for (const row of firstOfRange[f].all(p, p + TOP, l, n)) {
        const key = Buffer.from(row.key);
        const seen = best.get(row.id);
        if (!seen || Buffer.compare(key, seen.key) < 0) best.set(row.id, { row, key });
      }
    }
    // SQLite's BINARY order is the order of the UTF-8 bytes; ties newest first
    return [...best.values()]
      .sort((a, b) => Buffer.compare(a.key, b.key) || b.row.id - a.row.id)
      .slice(0, n)
      .map(({ row }) => hit(row, needle));
  }
}
export type ContactSearch = ReturnType<typeof createContactSearch>;
