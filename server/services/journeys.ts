import { randomUUID } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { journeys, journeyVersions, workspace, type JourneyStatus } from '../db/schema';
import type { Clock } from '../clock';
import { compile } from '../../shared/journey/compile';
import { JourneyGraph } from '../../shared/journey/graph';
import { defaultSettings } from '../../shared/journey/settings';
import type { CompileRefs } from '../../shared/journey/kind';
import type { Located } from '../../shared/journey/errors';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { ConfigOf } from '../../shared/journey/registry';
import { diffGraphs } from '../../shared/journey/diff';
import { nextScheduledAt } from '../engine/segmentEntry';
import { notFound, refuse } from './errors';
import { listParam } from '../../shared/i18n/serverMessages';
import type { RunLifecycle } from '../engine/lifecycle';
import { createJourneyLifecycle } from './journeyLifecycle';
import { versionHistory } from './journeyHistory';
import { createJourneyDrafts, journeyNameMax } from './journeyDrafts';
import { journeyErrorsOf } from '../engine/journeyErrors';

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
  /** the engine's side of pause / resume / archive */
  runs: RunLifecycle;
  /** work for after a change commits (the audit log's): a pause's and a resume's timers, a slice at a time */
  afterCommit?: (task: () => Promise<void>) => Promise<void>;
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
  /** contacts in the journey now (runs not exited), exact */
  activeUsers: number;
  /** why the engine stopped working this journey (segment SQL, a template, its config); null while healthy */
  error: string | null;
  erroredAt: number | null;
}

const emptyGraph = (): JourneyGraph => ({ nodes: [], edges: [], settings: defaultSettings() });

/** Use cases on journeys: drafts are free-form, publishing compiles and freezes a version. */
export function createJourneyService({ db, clock, refs, blueprints, onLiveChange, runs: runLifecycle, afterCommit }: JourneyServiceDeps) {
  const errorsOf = (graph: JourneyGraph): Located[] => {
    const r = compile(graph, refs());
    return r.ok ? [] : r.errors;
  };

  const publishable = (id: string) => {
    const j = row(id);
    if (j.status === 'archived') throw refuse('CONFLICT', 'journey_archived_publish', { name: j.name }, { status: j.status });
    const draft = JourneyGraph.parse(j.draft);
    const compiled = compile(draft, refs());
    if (!compiled.ok) throw refuse('BAD_REQUEST', 'journey_problems', { name: j.name, count: compiled.errors.length, purpose: 'publish' }, { errors: compiled.errors });
    // a version that changes nothing (the layout is not behaviour) would only muddy the history and the numbers
    const latest = db
      .select({ version: journeyVersions.version, graph: journeyVersions.graph })
      .from(journeyVersions)
      .where(eq(journeyVersions.journeyId, id))
      .orderBy(desc(journeyVersions.version))
      .limit(1)
      .get();
    if (latest && diffGraphs(JourneyGraph.parse(latest.graph), draft).length === 0) throw refuse('CONFLICT', 'no_changes_since', { version: latest.version }, { unchangedSince: latest.version });
    return { j, draft, compiled };
  };

  /**
   * When a new version's segment entry first enrols: the schedule's next time
   * in the workspace's zone, or now when the operator also enrols now. Null
   * for event entry (it enrols as events come).
   */
  const enrolFromOf = (machine: CompiledJourney, now: number, enrolNow: boolean): number | null => {
    const entry = machine.nodes[machine.entry];
    if (entry?.kind !== 'trigger.segment') return null;
    if (enrolNow) return now;
    const tz = db.select({ tz: workspace.timezone }).from(workspace).where(eq(workspace.id, 1)).get()?.tz ?? 'UTC';
    return nextScheduledAt((entry.config as ConfigOf<'trigger.segment'>).schedule, now, tz);
  };

  const findBlueprint = (key: string): Blueprint => {
    const b = blueprints().find((x) => x.key === key);
    if (!b) throw refuse('BAD_REQUEST', 'blueprint_unknown', { key, choices: listParam(blueprints().map((x) => x.key)) });
    return b;
  };

  const row = (id: string) => {
    const j = db.select().from(journeys).where(eq(journeys.id, id)).get();
    if (!j) throw notFound('journey', id);
    return j;
  };

  /**
   * Contacts in each journey now: the sum of its node gauges, which every
   * step, enrolment, exit and merge keeps in the same transaction as the runs
   * (a handful of rows per journey, where counting runs read them all).
   */
  const activeUsersQuery = db.$client.prepare<[], { journey_id: string; n: number }>(
    `select v.journey_id, sum(g.active) n from node_gauges g join journey_versions v on v.id = g.version_id group by v.journey_id`,
  );
  const activeUsers = () => new Map(activeUsersQuery.all().map((r) => [r.journey_id, r.n]));

  type ListRow = {
    id: string;
    name: string;
    description: string;
    status: JourneyStatus;
    blueprint: string | null;
    draft: string;
    updated_at: number;
    error: string | null;
    errored_at: number | null;
    version: number | null;
  };
  const listQuery = db.$client.prepare<[], ListRow>(
    `select j.id, j.name, j.description, j.status, j.blueprint, j.draft, j.updated_at, j.error, j.errored_at,
            (select max(v.version) from journey_versions v where v.journey_id = j.id) version
     from journeys j order by j.updated_at desc, j.name`,
  );
  /**
   * A draft's node and error counts for the list, kept while neither the draft's
   * text nor the catalogues it is checked against change: the list is polled by
   * every open dashboard, and compiling every draft on each poll cost more than
   * the rest of the request.
   */
  const draftCounts = new Map<string, { draft: string; refs: string; errorCount: number; nodeCount: number }>();
  const refsKey = (r: CompileRefs) => JSON.stringify([[...(r.templates ?? [])].sort(), [...(r.segments ?? [])].sort()]);

  return {
    ...createJourneyLifecycle({ db, clock, runs: runLifecycle, onLiveChange, afterCommit }),
    ...createJourneyDrafts({ db, clock, errorsOf }),

    blueprints: () => blueprints().map(({ key, name, description }) => ({ key, name, description })),

    list(): JourneySummary[] {
      const active = activeUsers();
      const catalogue = refs();
      const catalogueKey = refsKey(catalogue);
      const rows = listQuery.all();
      for (const id of draftCounts.keys()) if (!rows.some((j) => j.id === id)) draftCounts.delete(id);
      return rows.map((j) => {
        let counts = draftCounts.get(j.id);
        if (!counts || counts.draft !== j.draft || counts.refs !== catalogueKey) {
          const draft = JourneyGraph.parse(JSON.parse(j.draft));
          const compiled = compile(draft, catalogue);
          counts = { draft: j.draft, refs: catalogueKey, errorCount: compiled.ok ? 0 : compiled.errors.length, nodeCount: draft.nodes.length };
          draftCounts.set(j.id, counts);
        }
        return {
          id: j.id,
          name: j.name,
          description: j.description,
          status: j.status,
          version: j.version,
          blueprint: j.blueprint,
          updatedAt: j.updated_at,
          errorCount: counts.errorCount,
          nodeCount: counts.nodeCount,
          activeUsers: active.get(j.id) ?? 0,
          error: j.error,
          erroredAt: j.errored_at,
        };
      });
    },

    /** The journey with its draft and the draft's errors, the published (latest) version's graph, and every version with what it changed. */
    get(id: string) {
      const j = row(id);
      const draft = JourneyGraph.parse(j.draft);
      const { published, versions } = versionHistory(db, id);
      return {
        id: j.id,
        name: j.name,
        description: j.description,
        status: j.status,
        blueprint: j.blueprint,
        version: versions[0]?.version ?? null,
        updatedAt: j.updatedAt,
        updatedBy: j.updatedBy,
        error: j.error,
        erroredAt: j.erroredAt,
        draft,
        errors: errorsOf(draft),
        published,
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

    /** Rename; the name is trimmed and must keep 1–120 characters. Any status, archived included (it is only a label). */
    rename(id: string, name: string, actor: string): { id: string; name: string; updatedAt: number } {
      row(id);
      const trimmed = name.trim();
      if (trimmed.length < 1 || trimmed.length > journeyNameMax) throw refuse('BAD_REQUEST', 'journey_name_length', { max: journeyNameMax, got: trimmed.length });
      const now = clock.now();
      db.update(journeys).set({ name: trimmed, updatedAt: now, updatedBy: actor }).where(eq(journeys.id, id)).run();
      return { id, name: trimmed, updatedAt: now };
    },

    /** Store the draft as typed (mistakes and all) and return its errors; an archived journey is read-only. */
    saveDraft(id: string, graph: JourneyGraph, actor: string): { errors: Located[]; updatedAt: number } {
      const j = row(id);
      if (j.status === 'archived') throw refuse('CONFLICT', 'journey_archived_edit', { name: j.name }, { status: j.status });
      const draft = JourneyGraph.parse(graph);
      const now = clock.now();
      db.update(journeys).set({ draft, updatedAt: now, updatedBy: actor }).where(eq(journeys.id, id)).run();
      return { errors: errorsOf(draft), updatedAt: now };
    },

    /**
     * Compile the draft and store it as the next immutable version; refuses
     * while it has errors, when it changes nothing since the last version, and
     * for an archived journey. A draft goes live; a paused journey stays
     * paused (its new version takes contacts on resume). A segment entry
     * enrols at its schedule's next time, or also now with `enrolNow`.
     */
    publish(id: string, actor: string, { enrolNow = false }: { enrolNow?: boolean } = {}): { version: number } {
      const { j, draft, compiled } = publishable(id);
      const published = db.transaction((tx) => {
        const last = tx
          .select({ v: sql<number | null>`max(${journeyVersions.version})` })
          .from(journeyVersions)
          .where(eq(journeyVersions.journeyId, id))
          .get();
        const version = (last?.v ?? 0) + 1;
        const now = clock.now();
        const enrolFrom = enrolFromOf(compiled.value, now, enrolNow);
        tx.insert(journeyVersions).values({ journeyId: id, version, graph: draft, machine: compiled.value, publishedAt: now, publishedBy: actor, enrolFrom }).run();
        tx.update(journeys)
          .set({ status: j.status === 'paused' ? 'paused' : 'live', updatedAt: now, updatedBy: actor })
          .where(eq(journeys.id, id))
          .run();
        return { version };
      });
      onLiveChange?.();
      return published;
    },

    /**
     * "Resume after fixing": the engine works the journey again from the next
     * tick. Its runs waited where they were; what fell due meanwhile goes
     * then. Refused when the journey has no error (nothing to resume). The
     * engine marks it again if the cause is still there. Not an edit of the
     * journey: its updatedAt stays.
     */
    clearError(id: string): { id: string; cleared: string } {
      const j = row(id);
      if (j.error === null) throw refuse('CONFLICT', 'journey_no_engine_error', { name: j.name });
      journeyErrorsOf(db).clear(id);
      onLiveChange?.();
      // the audit row (procedure's input and result) keeps what was cleared and who did it
      return { id, cleared: j.error };
    },

    /** Refuses (as publish would) a draft that cannot be published: errors, no change since the last version, or an archived journey. */
    assertPublishable(id: string): void {
      publishable(id);
    },

    /** Create one draft journey per blueprint; used to seed an empty workspace. */
    seedBlueprints(actor: string): number {
      const existing = db
        .select({ n: sql<number>`count(*)` })
        .from(journeys)
        .get();
      if ((existing?.n ?? 0) > 0) return 0;
      for (const b of blueprints()) this.create({ blueprint: b.key }, actor);
      return blueprints().length;
    },
  };
}

export type JourneyService = ReturnType<typeof createJourneyService>;
