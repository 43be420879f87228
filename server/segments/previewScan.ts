import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts } from '../db/schema';

/**
 * How much a segment preview may cost. SQLite here is built without a
 * progress handler and better-sqlite3 has no statement timeout, so the bound
 * is made by cutting the work into slices of contacts (by id) and checking
 * the time between slices. Between slices the event loop runs, so other
 * requests wait at most one slice behind a preview, however slow its rule.
 */
export interface PreviewBounds {
  /** wall-clock ms one preview may take, the waits between slices included; past it the count is a lower bound */
  budgetMs: number;
  /** ms one slice aims at: about the longest another request waits behind a preview */
  sliceMs: number;
  /** contacts the first slice reads; each next slice grows or shrinks to take about `sliceMs` */
  firstSlice: number;
  /** a monotonic ms reading (tests pass a scripted one) */
  timer: () => number;
  /** let other work run between slices */
  yieldNow: () => Promise<void>;
}

/**
 * Two seconds: on a 2-core machine a simple trait rule reads about 400,000
 * contacts a second, so a million counts to the end or nearly; a rule that is
 * slow (lists of hundreds of values cost milliseconds a contact) stops there.
 * The first slice is small because one such contact may take 3 ms; cheap
 * rules double their way up in a few slices.
 */
export const defaultPreviewBounds: PreviewBounds = {
  budgetMs: 2000,
  sliceMs: 20,
  firstSlice: 32,
  timer: () => performance.now(),
  yieldNow: () => new Promise((resolve) => setImmediate(resolve)),
};

/** Sample contacts one preview returns at most, whatever the caller asks. */
export const maxPreviewSample = 100;

/** rows a slice reads at least (one: a contact can cost milliseconds) and at most */
export const minSlice = 1;
export const maxSlice = 262_144;

export interface SampleContact {
  id: number;
  externalId: string | null;
  traits: Record<string, unknown>;
  registeredAt: number | null;
}

export interface PreviewCount {
  /** matching contacts counted; a lower bound when `capped` */
  count: number;
  /** the time budget ran out before every contact was read: `count` is "at least" */
  capped: boolean;
  /** contacts read, newest first (all of them unless `capped`) */
  scanned: number;
  /** the newest registrations among the matches read, at most `maxPreviewSample` */
  sample: SampleContact[];
}

/**
 * The next slice's size from how long this one took: aimed at `sliceMs` as
 * if time grew with rows, at most double (a fast slice may have been lucky),
 * never below `minSlice` rows (some progress per turn) nor above `maxSlice`.
 */
export function nextSliceSize(size: number, tookMs: number, sliceMs: number): number {
  const aimed = tookMs > 0 ? Math.floor((size * sliceMs) / tookMs) : 2 * size;
  return Math.max(minSlice, Math.min(maxSlice, 2 * size, aimed));
}

/** Newest registration first (no date last, as SQLite's `desc` orders null), then newest id. */
const newerFirst = (a: SampleContact, b: SampleContact): number => (b.registeredAt ?? -Infinity) - (a.registeredAt ?? -Infinity) || b.id - a.id;

/**
 * Counts the contacts matching `where` and samples the newest registrations
 * among them, reading contacts newest id first in slices, within `bounds`.
 * A capped count covers the newest `scanned` contacts.
 */
export async function scanPreview(db: Db, where: SQL, sampleSize: number, bounds: PreviewBounds): Promise<PreviewCount> {
  const n = Math.max(0, Math.min(maxPreviewSample, Math.floor(sampleSize)));
  const inSlice = sql`${contacts.id} > ${sql.placeholder('lo')} and ${contacts.id} <= ${sql.placeholder('hi')}`;
  // one pass over the slice's rows counts both what was read and what matched
  const countSlice = db
    .select({ seen: sql<number>`count(*)`, matched: sql<number>`count(*) filter (where ${where})` })
    .from(contacts)
    .where(inSlice)
    .prepare();
  // prepared only when a sample is asked for (the editor's live count asks for none): a rule of long lists takes tens of ms to prepare
  const sampleSlice =
    n > 0
      ? db
          .select({ id: contacts.id, externalId: contacts.externalId, traits: contacts.traits, registeredAt: contacts.registeredAt })
          .from(contacts)
          .where(sql`${inSlice} and ${where}`)
          .orderBy(sql`${contacts.registeredAt} desc, ${contacts.id} desc`)
          .limit(n)
          .prepare()
      : null;

  const started = bounds.timer();
  let hi =
    db
      .select({ top: sql<number | null>`max(${contacts.id})` })
      .from(contacts)
      .get()?.top ?? 0;
  let size = Math.max(minSlice, Math.min(maxSlice, Math.floor(bounds.firstSlice)));
  let count = 0;
  let scanned = 0;
  let sample: SampleContact[] = [];
  while (hi > 0) {
    // at least one slice, so even a tiny budget answers with something
    // (and none once the server has closed the connection, which a stop does while a preview waits)
    if (scanned > 0 && (bounds.timer() - started >= bounds.budgetMs || !db.$client.open)) return { count, capped: true, scanned, sample };
    const lo = Math.max(0, hi - size);
    const t0 = bounds.timer();
    const r = countSlice.get({ lo, hi }) ?? { seen: 0, matched: 0 };
    count += r.matched;
    scanned += r.seen;
    // the best n of this slice merged with the best n so far: the newest registrations of everything read
    if (sampleSlice && r.matched > 0) sample = [...sample, ...sampleSlice.all({ lo, hi })].sort(newerFirst).slice(0, n);
    const took = bounds.timer() - t0;
    hi = lo;
    size = nextSliceSize(size, took, bounds.sliceMs);
    if (hi > 0) await bounds.yieldNow();
  }
  return { count, capped: false, scanned, sample };
}
