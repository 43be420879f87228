import { maskPhone } from '../../shared/auth/roles';
import type { Pii } from './timeline';
import type { Db } from '../db/client';
import { phoneSearchPrefix } from '../../shared/contacts/phone';

/** How many of the newest contacts a name search reads: names have no index, so the scan is bounded. */
export const NAME_SCAN_LIMIT = 5000;
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
 * Contact search for the timeline page, newest first. The newest NAME_SCAN_LIMIT contacts are read
 * newest first (cheap for a broad prefix, and the only place a name is looked for: names have no
 * index); older contacts are found by external id or phone through their indexes.
 */
export function createContactSearch(db: Db) {
  const c = db.$client;
  const cols = `id, external_id, anonymous_id, phone, traits ->> 'name' name, timezone, registered_at, created_at`;
  // each range stays on its covering index (value, id), rows are read only for the n kept;
  // LIKE (ASCII case-insensitive) checks the part of q past the range prefix
  const byExternal = c.prepare<[string, string, string, number], Row>(
    `select ${cols} from contacts where id in (select id from contacts where external_id >= ? and external_id < ? and external_id like ? escape '\\' order by id desc limit ?)`,
  );
  const byPhone = c.prepare<[string, string, string, number], Row>(
    `select ${cols} from contacts where id in (select id from contacts where phone >= ? and phone < ? and phone like ? escape '\\' order by id desc limit ?)`,
  );
  // the newest contacts, read newest first: stops at the n-th match, so a broad prefix ("u", "+86") costs only a few rows
  const inNewest = c.prepare<[number, string, string, string, number], Row>(
    `select ${cols} from (select * from contacts order by id desc limit ?)
     where external_id like ? escape '\\' or phone like ? escape '\\' or traits ->> 'name' like ? escape '\\' order by id desc limit ?`,
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
    const recent = inNewest.all(NAME_SCAN_LIMIT, like, likePhone, like, n);
    // n matches among the newest are the newest n overall: anything newer than the n-th would be in the window
    if (recent.length === n) return recent.map((r) => hit(r, needle));
    const found = new Map(recent.map((r) => [r.id, r]));
    // older matches by id or phone, through their indexes; the ranges are disjoint, so the newest n overall are among the newest n of each
    for (const p of casePrefixes(needle)) for (const r of byExternal.all(p, p + TOP, like, n)) found.set(r.id, r);
    for (const p of casePrefixes(phone)) for (const r of byPhone.all(p, p + TOP, likePhone, n)) found.set(r.id, r);
    return [...found.values()]
      .sort((a, b) => b.id - a.id)
      .slice(0, n)
      .map((r) => hit(r, needle));
  }
}

export type ContactSearch = ReturnType<typeof createContactSearch>;
