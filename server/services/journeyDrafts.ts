import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeys } from '../db/schema';
import type { Clock } from '../clock';
import { JourneyGraph } from '../../shared/journey/graph';
import type { Located } from '../../shared/journey/errors';
import { notFound, refuse } from './errors';
import { publishedVersion, type PublishedVersion } from './journeyHistory';

export const journeyNameMax = 120;
export const journeyDescriptionMax = 1000;

export interface JourneyDraftDeps {
  db: Db;
  clock: Clock;
  /** the draft's compile errors, as `get` reports them */
  errorsOf: (graph: JourneyGraph) => Located[];
}

/**
 * What an operator does to a journey besides drawing it: describe it, copy
 * it, look at a published version, and take a version back as the draft.
 * None of these publishes or touches runs; a restored draft goes live only
 * through publish (and its approval, when four-eyes is on).
 */
export function createJourneyDrafts({ db, clock, errorsOf }: JourneyDraftDeps) {
  const row = (id: string) => {
    const j = db.select().from(journeys).where(eq(journeys.id, id)).get();
    if (!j) throw notFound('journey', id);
    return j;
  };
  const version = (id: string, v: number): PublishedVersion => {
    const j = row(id);
    const found = publishedVersion(db, id, v);
    if (!found) throw refuse('NOT_FOUND', 'journey_no_version', { name: j.name, version: v });
    return found;
  };

  return {
    /** Re-describe; trimmed, up to 1,000 characters, empty allowed. Any status (a description is only a label). */
    describe(id: string, description: string, actor: string): { id: string; description: string; updatedAt: number } {
      row(id);
      const trimmed = description.trim();
      if (trimmed.length > journeyDescriptionMax) throw refuse('BAD_REQUEST', 'journey_description_length', { max: journeyDescriptionMax, got: trimmed.length });
      const now = clock.now();
      db.update(journeys).set({ description: trimmed, updatedAt: now, updatedBy: actor }).where(eq(journeys.id, id)).run();
      return { id, description: trimmed, updatedAt: now };
    },

    /**
     * A new draft journey with the original's draft and description, named
     * "Copy of …" unless a name is given. Archived journeys can be copied: it
     * is how one comes back. The copy has no versions, no runs and no
     * blueprint (it was made from a journey, not from the library).
     */
    duplicate(id: string, name: string | undefined, actor: string): { id: string; name: string } {
      const j = row(id);
      const wanted = (name?.trim() || `Copy of ${j.name}`).slice(0, journeyNameMax).trim();
      const now = clock.now();
      const copy = randomUUID();
      db.insert(journeys)
        .values({ id: copy, name: wanted, description: j.description, blueprint: null, draft: JourneyGraph.parse(j.draft), createdAt: now, updatedAt: now, updatedBy: actor })
        .run();
      return { id: copy, name: wanted };
    },

    /** A published version as it was published (read-only), with the errors its graph has against today's templates and segments. */
    version(id: string, v: number): PublishedVersion & { errors: Located[] } {
      const found = version(id, v);
      return { ...found, errors: errorsOf(found.graph) };
    },

    /**
     * The version's graph becomes the draft (the draft it replaces is in the
     * audit log's diff). Refused for an archived journey, as any draft edit is.
     */
    restoreVersion(id: string, v: number, actor: string): { restored: number; errors: Located[]; updatedAt: number } {
      const j = row(id);
      if (j.status === 'archived') throw refuse('CONFLICT', 'journey_archived_draft', { name: j.name }, { status: j.status });
      const { graph } = version(id, v);
      const now = clock.now();
      db.update(journeys).set({ draft: graph, updatedAt: now, updatedBy: actor }).where(eq(journeys.id, id)).run();
      return { restored: v, errors: errorsOf(graph), updatedAt: now };
    },
  };
}
