import { randomUUID } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeys, journeyVersions, type JourneyStatus } from '../db/schema';
import type { Clock } from '../clock';
import { compile } from '../../shared/journey/compile';
import { JourneyGraph } from '../../shared/journey/graph';
import { defaultSettings } from '../../shared/journey/settings';
import type { CompileRefs } from '../../shared/journey/kind';
import type { Located } from '../../shared/journey/errors';
import { ServiceError, notFound } from './errors';

export interface Blueprint {
  key: string;
  name: string;
  description: string;
  graph: JourneyGraph;
}

export interface JourneyServiceDeps {
  db: Db;
  clock: Clock;
  /** template and segment catalogues the compiler checks references against */
  refs: () => CompileRefs;
  blueprints: () => readonly Blueprint[];
  /** told after a publish (or any status change), so the engine's live index is rebuilt before its next tick */
  onLiveChange?: () => void;
}

export interface JourneySummary {
  id: string;
  name: string;
  description: string;
  status: JourneyStatus;
  version: number | null;
  blueprint: string | null;
  updatedAt: number;
  errorCount: number;
  nodeCount: number;
}

const emptyGraph = (): JourneyGraph => ({ nodes: [], edges: [], settings: defaultSettings() });

/** Use cases on journeys: drafts are free-form, publishing compiles and freezes a version. */
export function createJourneyService({ db, clock, refs, blueprints, onLiveChange }: JourneyServiceDeps) {
  const errorsOf = (graph: JourneyGraph): Located[] => {
    const r = compile(graph, refs());
    return r.ok ? [] : r.errors;
  };

  const latestVersions = () =>
    db
      .select({ journeyId: journeyVersions.journeyId, version: sql<number>`max(${journeyVersions.version})` })
      .from(journeyVersions)
      .groupBy(journeyVersions.journeyId)
      .all();

  const findBlueprint = (key: string): Blueprint => {
    const b = blueprints().find((x) => x.key === key);
    if (!b) throw new ServiceError('BAD_REQUEST', `blueprint "${key}" does not exist; choose one of ${blueprints().map((x) => x.key).join(', ')}`);
    return b;
  };

  const row = (id: string) => {
    const j = db.select().from(journeys).where(eq(journeys.id, id)).get();
    if (!j) throw notFound('journey', id);
    return j;
  };

  return {
    blueprints: () => blueprints().map(({ key, name, description }) => ({ key, name, description })),

    list(): JourneySummary[] {
      const versions = new Map(latestVersions().map((v) => [v.journeyId, v.version]));
      return db
        .select()
        .from(journeys)
        .orderBy(desc(journeys.updatedAt), journeys.name)
        .all()
        .map((j) => {
          const draft = JourneyGraph.parse(j.draft);
          return {
            id: j.id,
            name: j.name,
            description: j.description,
            status: j.status,
            version: versions.get(j.id) ?? null,
            blueprint: j.blueprint,
            updatedAt: j.updatedAt,
            errorCount: errorsOf(draft).length,
            nodeCount: draft.nodes.length,
          };
        });
    },

    get(id: string) {
      const j = row(id);
      const draft = JourneyGraph.parse(j.draft);
      const versions = db
        .select({ version: journeyVersions.version, publishedAt: journeyVersions.publishedAt, publishedBy: journeyVersions.publishedBy, graph: journeyVersions.graph })
        .from(journeyVersions)
        .where(eq(journeyVersions.journeyId, id))
        .orderBy(desc(journeyVersions.version))
        .all()
        .map(({ graph, ...v }) => ({ ...v, nodeCount: graph.nodes.length }));
      return {
        id: j.id,
        name: j.name,
        description: j.description,
        status: j.status,
        blueprint: j.blueprint,
        version: versions[0]?.version ?? null,
        updatedAt: j.updatedAt,
        draft,
        errors: errorsOf(draft),
        versions,
      };
    },

    create(input: { name?: string | undefined; blueprint?: string | undefined }, actor: string): { id: string } {
      const b = input.blueprint ? findBlueprint(input.blueprint) : null;
      const now = clock.now();
      const id = randomUUID();
      db.insert(journeys)
        .values({
          id,
          name: input.name?.trim() || b?.name || 'Untitled journey',
          description: b?.description ?? '',
          blueprint: b?.key ?? null,
          draft: b ? JourneyGraph.parse(b.graph) : emptyGraph(),
          createdAt: now,
          updatedAt: now,
          updatedBy: actor,
        })
        .run();
      return { id };
    },

    saveDraft(id: string, graph: JourneyGraph, actor: string): { errors: Located[]; updatedAt: number } {
      row(id);
      const draft = JourneyGraph.parse(graph);
      const now = clock.now();
      db.update(journeys).set({ draft, updatedAt: now, updatedBy: actor }).where(eq(journeys.id, id)).run();
      return { errors: errorsOf(draft), updatedAt: now };
    },

    /** Compile the draft and store it as the next immutable version; refuses while it has errors. */
    publish(id: string, actor: string): { version: number } {
      const j = row(id);
      if (j.status === 'archived') throw new ServiceError('CONFLICT', `journey "${j.name}" is archived; restore it before publishing`);
      const draft = JourneyGraph.parse(j.draft);
      const compiled = compile(draft, refs());
      if (!compiled.ok)
        throw new ServiceError('BAD_REQUEST', `"${j.name}" has ${compiled.errors.length} problem(s); fix them before publishing`, { errors: compiled.errors });
      const published = db.transaction((tx) => {
        const last = tx
          .select({ v: sql<number | null>`max(${journeyVersions.version})` })
          .from(journeyVersions)
          .where(eq(journeyVersions.journeyId, id))
          .get();
        const version = (last?.v ?? 0) + 1;
        const now = clock.now();
        tx.insert(journeyVersions).values({ journeyId: id, version, graph: draft, machine: compiled.value, publishedAt: now, publishedBy: actor }).run();
        tx.update(journeys).set({ status: j.status === 'paused' ? 'paused' : 'live', updatedAt: now, updatedBy: actor }).where(eq(journeys.id, id)).run();
        return { version };
      });
      onLiveChange?.();
      return published;
    },

    /** Create one draft journey per blueprint; used to seed an empty workspace. */
    seedBlueprints(actor: string): number {
      const existing = db.select({ n: sql<number>`count(*)` }).from(journeys).get();
      if ((existing?.n ?? 0) > 0) return 0;
      for (const b of blueprints()) this.create({ blueprint: b.key }, actor);
      return blueprints().length;
    },
  };
}

export type JourneyService = ReturnType<typeof createJourneyService>;
