import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { enrolments, segments } from '../db/schema';
import { ruleSetSql } from '../segments/ruleSql';
import { RuleSet } from '../../shared/segments/rules';
import { DAY, HOUR, localInstant, minutesOfDay } from '../../shared/util/time';
import type { LoadedVersion } from './machines';
import type { ConfigOf } from '../../shared/journey/registry';
import { enrol, enrolChunk } from './enrol';
import { failureReason, journeyErrorsOf } from './journeyErrors';

type Schedule = ConfigOf<'trigger.segment'>['schedule'];

/**
 * The schedule's first time at or after `after`: the next `at` in the
 * workspace's zone (once, daily, weekly), the top of the next hour (hourly).
 * Publishing a segment entry enrols then, not at once, unless the operator
 * also enrols now.
 */
export function nextScheduledAt(s: Schedule, after: number, tz: string): number {
  if (s.every === 'hour') return Math.ceil(after / HOUR) * HOUR;
  // two days ahead covers a slot that a clock change skipped today
  for (let d = 0; d <= 2; d++) {
    const slot = localInstant(after, tz, d, minutesOfDay(s.at));
    if (slot >= after) return slot;
  }
  return after + DAY;
}

/**
 * Whether a segment entry's schedule is due at `now`. Before its first run
 * it waits for `enrolFrom` (the version's first scheduled time, or its
 * publish when the operator also enrolled now; null for versions published
 * before that choice existed, which enrolled at once). Then every hour, or
 * every day or week at `at` in the workspace's time zone; `once` never again.
 */
export function isDue(s: Schedule, lastRunAt: number | null, now: number, tz: string, enrolFrom: number | null = null): boolean {
  if (lastRunAt === null) return enrolFrom === null || now >= enrolFrom;
  switch (s.every) {
    case 'once':
      return false;
    case 'hour':
      return now - lastRunAt >= HOUR;
    case 'day':
    case 'week': {
      let slot = localInstant(now, tz, 0, minutesOfDay(s.at));
      if (slot > now) slot = localInstant(now, tz, -1, minutesOfDay(s.at));
      // weekly: the first slot at least six days after the last run
      return lastRunAt < slot && (s.every === 'day' || now - lastRunAt >= 6 * DAY);
    }
  }
}

/**
 * Enrols the live segment-triggered versions whose schedule is due, newest
 * registrations first, in chunks. One journey's failure (its segment's SQL
 * does not prepare, its stored rules no longer parse) marks that journey
 * errored with the reason and the loop goes on to the next: it never ends the
 * tick for the others. Errored journeys are skipped until an operator clears them.
 */
export function runSegmentEntries(db: Db, live: readonly LoadedVersion[], now: number, tz: string, chunk = enrolChunk): SegmentEntry[] {
  const out: SegmentEntry[] = [];
  const errors = journeyErrorsOf(db);
  // the live index already leaves errored journeys out; a list taken before this tick's marks may not
  const errored = errors.erroredIds();
  for (const v of live) {
    const entry = v.machine.nodes[v.machine.entry];
    if (entry?.kind !== 'trigger.segment' || errored.has(v.journeyId)) continue;
    const cfg = entry.config as ConfigOf<'trigger.segment'>; // validated by compile when the version was published
    try {
      const last = db.select().from(enrolments).where(eq(enrolments.versionId, v.versionId)).get();
      if (!isDue(cfg.schedule, last?.lastRunAt ?? null, now, tz, v.enrolFrom)) continue;
      const seg = db.select().from(segments).where(eq(segments.key, cfg.segment)).get();
      // a deleted segment enrols no one, and says so in the count
      const enrolled = seg ? enrol(db, v, ruleSetSql(RuleSet.parse(seg.rules), now), now, { chunk, order: cfg.order }) : 0;
      db.insert(enrolments)
        .values({ versionId: v.versionId, lastRunAt: now, enrolled })
        .onConflictDoUpdate({ target: enrolments.versionId, set: { lastRunAt: now, enrolled: sql`${enrolments.enrolled} + ${enrolled}` } })
        .run();
      out.push({ versionId: v.versionId, enrolled });
    } catch (e) {
      const error = failureReason(`segment entry (segment "${cfg.segment}")`, e);
      errors.mark(v.journeyId, error, now);
      errored.add(v.journeyId);
      out.push({ versionId: v.versionId, enrolled: 0, error });
    }
  }
  return out;
}

export interface SegmentEntry {
  versionId: number;
  enrolled: number;
  /** why this version's journey was marked errored instead */
  error?: string;
}

/** The next moment after `after` when a live segment entry falls due, for the fake clock to stop at. */
export function nextEnrolmentAt(db: Db, live: readonly LoadedVersion[], after: number, tz: string): number | null {
  let best: number | null = null;
  for (const v of live) {
    const entry = v.machine.nodes[v.machine.entry];
    if (entry?.kind !== 'trigger.segment') continue;
    const { schedule } = entry.config as ConfigOf<'trigger.segment'>;
    const last = db.select().from(enrolments).where(eq(enrolments.versionId, v.versionId)).get()?.lastRunAt ?? null;
    let t: number | null = null;
    if (last === null) t = Math.max(v.enrolFrom ?? after + 1, after + 1);
    else if (schedule.every === 'hour') t = Math.max(last + HOUR, after + 1);
    else if (schedule.every !== 'once')
      for (let d = 0; d <= 8 && t === null; d++) {
        const slot = localInstant(after, tz, d, minutesOfDay(schedule.at));
        if (slot > after && isDue(schedule, last, slot, tz)) t = slot;
      }
    if (t !== null && (best === null || t < best)) best = t;
  }
  return best;
}
