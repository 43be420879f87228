import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeyVersions } from '../db/schema';
import type { CompiledJourney } from '../../shared/journey/machine';

export interface LoadedVersion {
  versionId: number;
  journeyId: string;
  version: number;
  machine: CompiledJourney;
  /** a segment entry's first enrolment (null: at once; see journey_versions.enrol_from) */
  enrolFrom: number | null;
}

/** Published versions are immutable, so their parsed machines are cached for the life of the process. */
export function createMachineCache(db: Db) {
  const cache = new Map<number, LoadedVersion>();
  return {
    /** The versions for these ids, loading the missing ones in one query. */
    load(ids: Iterable<number>): Map<number, LoadedVersion> {
      const want = [...new Set(ids)];
      const missing = want.filter((id) => !cache.has(id));
      if (missing.length)
        for (const v of db.select().from(journeyVersions).where(inArray(journeyVersions.id, missing)).all())
          cache.set(v.id, { versionId: v.id, journeyId: v.journeyId, version: v.version, machine: v.machine, enrolFrom: v.enrolFrom });
      return new Map(want.filter((id) => cache.has(id)).map((id) => [id, cache.get(id) as LoadedVersion]));
    },
    get(id: number): LoadedVersion | undefined {
      return this.load([id]).get(id);
    },
  };
}

export type MachineCache = ReturnType<typeof createMachineCache>;
