import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts, runs } from '../db/schema';
import { minSlice, maxSlice, nextSliceSize, type PreviewBounds } from '../segments/previewScan';

/** What to count over an audience: its members, and among them each flag and sum. */
export interface AudienceSpec {
  /** who is in the audience: a WHERE fragment over `contacts` (a segment's rules, "did the event lately") */
  member: SQL;
  /** named conditions over `contacts`, each counted among the members */
  flags: Record<string, SQL>;
  /** named numbers over `contacts`, each summed over the members */
  sums: Record<string, SQL>;
  /** journeys whose contacts now (runs not exited) to count among the members, per journey */
  journeys: readonly string[];
  /** the zone of a contact without one */
  defaultTimezone: string;
}

export interface AudienceCounts {
  /** members counted; a lower bound when `capped` */
  members: number;
  /** contacts read, newest first (all of them unless `capped`) */
  scanned: number;
  /** the time budget ran out before every contact was read: every count is "at least", over the newest `scanned` */
  capped: boolean;
  flags: Record<string, number>;
  sums: Record<string, number>;
  /** per time zone (the contact's, else the workspace's): members and flags there, so quiet hours can be judged per zone */
  byZone: Map<string, { members: number; flags: Record<string, number> }>;
  /** members in each of `journeys` now */
  perJourney: Map<string, number>;
  /** the newest member's id (a sample to render the copy for), or null */
  newest: number | null;
}

/**
 * Counts an audience and the facts the publish forecast needs about it in
 * one pass, set-based: contacts newest id first in slices, each slice one
 * aggregate statement (grouped by time zone, so quiet hours can be judged per
 * zone) and, when there are other journeys, one grouped join with their runs.
 * No row of a contact is loaded. Bounded in time like the segment preview
 * (server/segments/previewScan.ts): past the budget the counts cover the
 * newest `scanned` contacts and say so.
 */
export async function scanAudience(db: Db, spec: AudienceSpec, bounds: PreviewBounds): Promise<AudienceCounts> {
  const lo = sql.placeholder('lo');
  const hi = sql.placeholder('hi');
  const inSlice = sql`${contacts.id} > ${lo} and ${contacts.id} <= ${hi}`;
  const m = spec.member;
  const zone = sql<string>`coalesce(${contacts.timezone}, ${spec.defaultTimezone})`;
  const flagNames = Object.keys(spec.flags);
  const sumNames = Object.keys(spec.sums);
  const columns: Record<string, SQL.Aliased> = {
    zone: zone.as('zone'),
    seen: sql<number>`count(*)`.as('seen'),
    members: sql<number>`count(*) filter (where ${m})`.as('members'),
    newest: sql<number | null>`max(${contacts.id}) filter (where ${m})`.as('newest'),
  };
  flagNames.forEach((name, i) => (columns[`f${i}`] = sql<number>`count(*) filter (where ${m} and ${spec.flags[name] as SQL})`.as(`f${i}`)));
  sumNames.forEach((name, i) => (columns[`s${i}`] = sql<number>`coalesce(sum(${spec.sums[name] as SQL}) filter (where ${m}), 0)`.as(`s${i}`)));
  const countSlice = db.select(columns).from(contacts).where(inSlice).groupBy(zone).prepare();
  const journeySlice =
    spec.journeys.length > 0
      ? db
          .select({ journey: runs.journeyId, n: sql<number>`count(distinct ${runs.contactId})` })
          .from(contacts)
          .innerJoin(runs, eq(runs.contactId, contacts.id))
          .where(and(inSlice, m, ne(runs.status, 'exited'), inArray(runs.journeyId, [...spec.journeys])))
          .groupBy(runs.journeyId)
          .prepare()
      : null;

  const out: AudienceCounts = {
    members: 0,
    scanned: 0,
    capped: false,
    flags: Object.fromEntries(flagNames.map((n) => [n, 0])),
    sums: Object.fromEntries(sumNames.map((n) => [n, 0])),
    byZone: new Map(),
    perJourney: new Map(),
    newest: null,
  };
  const started = bounds.timer();
  let top =
    db
      .select({ top: sql<number | null>`max(${contacts.id})` })
      .from(contacts)
      .get()?.top ?? 0;
  let size = Math.max(minSlice, Math.min(maxSlice, Math.floor(bounds.firstSlice)));
  while (top > 0) {
    if (out.scanned > 0 && (bounds.timer() - started >= bounds.budgetMs || !db.$client.open)) return { ...out, capped: true };
    const bottom = Math.max(0, top - size);
    const t0 = bounds.timer();
    for (const r of countSlice.all({ lo: bottom, hi: top }) as Record<string, number | string | null>[]) {
      out.scanned += r.seen as number;
      const members = r.members as number;
      if (members === 0) continue;
      out.members += members;
      const zone = r.zone as string;
      const here = out.byZone.get(zone) ?? { members: 0, flags: Object.fromEntries(flagNames.map((n) => [n, 0])) };
      out.byZone.set(zone, here);
      here.members += members;
      flagNames.forEach((name, i) => {
        const n = r[`f${i}`] as number;
        out.flags[name] = (out.flags[name] ?? 0) + n;
        here.flags[name] = (here.flags[name] ?? 0) + n;
      });
      sumNames.forEach((name, i) => (out.sums[name] = (out.sums[name] as number) + (r[`s${i}`] as number)));
      if (r.newest !== null) out.newest = Math.max(out.newest ?? 0, r.newest as number);
    }
    if (journeySlice) for (const r of journeySlice.all({ lo: bottom, hi: top })) out.perJourney.set(r.journey, (out.perJourney.get(r.journey) ?? 0) + r.n);
    const took = bounds.timer() - t0;
    top = bottom;
    size = nextSliceSize(size, took, bounds.sliceMs);
    if (top > 0) await bounds.yieldNow();
  }
  return out;
}
