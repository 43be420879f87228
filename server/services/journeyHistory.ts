import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeyVersions } from '../db/schema';
import { JourneyGraph } from '../../shared/journey/graph';
import { diffGraphs, summarizeChanges } from '../../shared/journey/diff';

export interface PublishedVersion {
  version: number;
  graph: JourneyGraph;
  publishedAt: number;
  publishedBy: string;
}

export interface VersionEntry {
  version: number;
  publishedAt: number;
  publishedBy: string;
  nodeCount: number;
  /** what this version changed from the one before, one line each; ["First version"] for v1 */
  changes: string[];
  /** the same in one line, e.g. "2 nodes added, 1 changed, settings: goals" */
  summary: string;
}

const firstVersion = 'First version';

/**
 * A journey's published versions, newest first, each with what it changed
 * from its predecessor, and the latest one with its graph (what is running).
 * The stored graphs are parsed with their schema on the way out (JSON
 * columns are never trusted as typed).
 */
export function versionHistory(db: Db, journeyId: string): { published: PublishedVersion | null; versions: VersionEntry[] } {
  const rows = db
    .select({ version: journeyVersions.version, graph: journeyVersions.graph, publishedAt: journeyVersions.publishedAt, publishedBy: journeyVersions.publishedBy })
    .from(journeyVersions)
    .where(eq(journeyVersions.journeyId, journeyId))
    .orderBy(asc(journeyVersions.version))
    .all()
    .map((r) => ({ ...r, graph: JourneyGraph.parse(r.graph) }));
  const versions = rows.map((r, i): VersionEntry => {
    const prev = rows[i - 1];
    const changes = prev ? diffGraphs(prev.graph, r.graph) : null;
    return {
      version: r.version,
      publishedAt: r.publishedAt,
      publishedBy: r.publishedBy,
      nodeCount: r.graph.nodes.length,
      changes: changes ? changes.map((c) => c.message) : [firstVersion],
      summary: changes ? summarizeChanges(changes) : firstVersion,
    };
  });
  const latest = rows.at(-1);
  return { published: latest ?? null, versions: versions.reverse() };
}

/** One published version with its graph as published, or null when the journey has no such version. */
export function publishedVersion(db: Db, journeyId: string, version: number): PublishedVersion | null {
  const r = db
    .select({ version: journeyVersions.version, graph: journeyVersions.graph, publishedAt: journeyVersions.publishedAt, publishedBy: journeyVersions.publishedBy })
    .from(journeyVersions)
    .where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, version)))
    .get();
  return r ? { ...r, graph: JourneyGraph.parse(r.graph) } : null;
}
