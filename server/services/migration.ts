import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Clock } from '../clock';
import { journeys, journeyVersions } from '../db/schema';
import { nodeTitle } from '../../shared/journey/graph';
import type { NodeKind } from '../../shared/journey/registry';
import { autoMapping, MappingError, resolveMapping, type MigrationMode, type MigrationNode, type NodeMapping } from '../../shared/journey/migration';
import { runMigration, type NodeMigrationCount } from '../runs/migrate';
import { notFound, refuse } from './errors';

/** A node as the side-by-side view draws it. */
export interface MigrationViewNode {
  id: string;
  kind: NodeKind;
  title: string;
  position: { x: number; y: number };
}

/** One old node in the plan: its contacts, where the mapping sends them and how. */
export interface MigrationPlanRow extends NodeMigrationCount {
  to: string | null;
  mode: MigrationMode | null;
}

export interface MigrationPlan {
  journeyId: string;
  name: string;
  from: { version: number; nodes: MigrationViewNode[] };
  to: { version: number; nodes: MigrationViewNode[] };
  /** the automatic mapping (by id, else by kind when unambiguous), before the overrides */
  auto: NodeMapping;
  /** every old node with its counts and its target under the mapping asked for */
  rows: MigrationPlanRow[];
  /** old versions with contacts still in flight, newest first: what the view offers to migrate from */
  sources: { version: number; inFlight: number }[];
  totals: { inFlight: number; moving: number; staying: number };
}

export interface MigrationResult {
  journeyId: string;
  fromVersion: number;
  toVersion: number;
  moved: number;
  stayed: number;
  byNode: { from: string; to: string; mode: MigrationMode; moved: number }[];
}

/** The publish dialog's (and an approval request's) view of a migration to a draft not yet published. */
export interface MigrationForecast {
  fromVersion: number;
  inFlight: number;
  /** under the automatic mapping, per old node with contacts: how many are there and how many would move at most (to null: they stay; runs due at the move stay too) */
  moves: { from: string; to: string | null; mode: MigrationMode | null; inFlight: number; moving: number }[];
  moving: number;
}

type VersionRow = typeof journeyVersions.$inferSelect;

const viewNodes = (v: VersionRow): MigrationViewNode[] => v.graph.nodes.map((n) => ({ id: n.id, kind: n.kind, title: nodeTitle(n), position: n.position }));
const machineNodes = (v: Pick<VersionRow, 'machine'>): MigrationNode[] => Object.values(v.machine.nodes).map((n) => ({ id: n.id, kind: n.kind, config: n.config }));

/**
 * Live-version migration: after a new version of a live journey is
 * published, the operator moves in-flight contacts of an older version to it
 * node by node (automatic mapping by id and kind, with overrides). Runs at
 * unmapped nodes stay on their version. The move itself is the run store's
 * (server/runs/migrate.ts): one transaction, set-based, counters and gauges
 * moved with the runs. Called through an audited tRPC mutation, the move
 * holds the write gate, so it never interleaves with an engine batch; runs
 * due by now (which a batch may hold) stay where they are.
 */
export function createMigrationService({ db, clock }: { db: Db; clock: Clock }) {
  const journeyOf = (id: string) => {
    const j = db.select({ id: journeys.id, name: journeys.name, status: journeys.status }).from(journeys).where(eq(journeys.id, id)).get();
    if (!j) throw notFound('journey', id);
    return j;
  };
  const versionsOf = (journeyId: string): VersionRow[] => db.select().from(journeyVersions).where(eq(journeyVersions.journeyId, journeyId)).orderBy(desc(journeyVersions.version)).all();

  /** The journey, its live (newest) version and the old one to move from; refuses what cannot be migrated, naming why. */
  function pick(journeyId: string, fromVersion: number | undefined) {
    const j = journeyOf(journeyId);
    if (j.status !== 'live') throw refuse('CONFLICT', 'migrate_not_live', { name: j.name, status: j.status }, { status: j.status });
    const all = versionsOf(journeyId);
    const to = all[0];
    if (!to || all.length < 2) throw refuse('CONFLICT', 'migrate_one_version', { name: j.name, count: all.length });
    // in flight per version from the gauges: no scan of a million runs to pick where to move from
    const inFlight = (v: VersionRow) =>
      runMigration(db)
        .inFlight(v.id)
        .reduce((a, r) => a + r.n, 0);
    const sources = all
      .slice(1)
      .map((v) => ({ v, inFlight: inFlight(v) }))
      .filter((s) => s.inFlight > 0);
    let from: VersionRow | undefined;
    if (fromVersion === undefined) from = sources[0]?.v ?? all[1];
    else {
      if (fromVersion === to.version) throw refuse('BAD_REQUEST', 'migrate_from_live', { name: j.name, version: fromVersion });
      from = all.find((v) => v.version === fromVersion);
      if (!from) throw refuse('NOT_FOUND', 'journey_no_version', { name: j.name, version: fromVersion }, { version: fromVersion });
    }
    return { j, from: from as VersionRow, to, sources: sources.map((s) => ({ version: s.v.version, inFlight: s.inFlight })) };
  }

  const pairsOf = (from: Pick<VersionRow, 'machine'>, to: Pick<VersionRow, 'machine'>, overrides: NodeMapping) => {
    try {
      return resolveMapping(machineNodes(from), machineNodes(to), overrides);
    } catch (e) {
      if (e instanceof MappingError) throw refuse('BAD_REQUEST', 'migrate_unknown_node', { field: e.field, node: e.nodeId, from: e.from }, { field: e.field, nodeId: e.nodeId });
      throw e;
    }
  };

  return {
    /** What migrating would do now: both versions' nodes for the side-by-side view, the mapping, and per old node who moves and who stays. */
    plan(journeyId: string, { fromVersion, overrides = {} }: { fromVersion?: number | undefined; overrides?: NodeMapping } = {}): MigrationPlan {
      const { j, from, to, sources } = pick(journeyId, fromVersion);
      const pairs = new Map(pairsOf(from, to, overrides).map((p) => [p.from, p]));
      const counts = new Map(
        runMigration(db)
          .census(from.id, to.id, clock.now())
          .map((c) => [c.nodeId, c]),
      );
      const rows = viewNodes(from).map((n): MigrationPlanRow => {
        const c = counts.get(n.id) ?? { nodeId: n.id, inFlight: 0, movable: 0, due: 0, inTarget: 0, awaitingOutcome: 0 };
        const p = pairs.get(n.id);
        return { ...c, nodeId: n.id, to: p?.to ?? null, mode: p?.mode ?? null };
      });
      const inFlight = rows.reduce((a, r) => a + r.inFlight, 0);
      const moving = rows.reduce((a, r) => a + (r.to === null ? 0 : r.movable), 0);
      return {
        journeyId,
        name: j.name,
        from: { version: from.version, nodes: viewNodes(from) },
        to: { version: to.version, nodes: viewNodes(to) },
        auto: autoMapping(machineNodes(from), machineNodes(to)),
        rows,
        sources,
        totals: { inFlight, moving, staying: inFlight - moving },
      };
    },

    /** Move the contacts of `fromVersion` (default: the newest old version with contacts in flight) to the live version under the mapping. */
    migrate(journeyId: string, { fromVersion, overrides = {} }: { fromVersion?: number | undefined; overrides?: NodeMapping } = {}): MigrationResult {
      const { j, from, to } = pick(journeyId, fromVersion);
      const pairs = pairsOf(from, to, overrides);
      const now = clock.now();
      const inFlight = runMigration(db)
        .inFlight(from.id)
        .reduce((a, r) => a + r.n, 0);
      const counts = runMigration(db).migrate({ journeyId: j.id, fromId: from.id, toId: to.id, toVersion: to.version, exclusionGroup: to.machine.settings.exclusionGroup }, pairs, now);
      const byNode = pairs.map((p) => ({ from: p.from, to: p.to, mode: p.mode, moved: counts.get(p.from) ?? 0 })).filter((b) => b.moved > 0);
      const moved = byNode.reduce((a, b) => a + b.moved, 0);
      return { journeyId, fromVersion: from.version, toVersion: to.version, moved, stayed: inFlight - moved, byNode };
    },

    /**
     * For the publish dialog and an approval request: the contacts in flight on the newest
     * published version and where the automatic mapping would send them in the draft `draftNodes`.
     * Null when nothing is published yet.
     */
    forecast(journeyId: string, draftNodes: readonly MigrationNode[]): MigrationForecast | null {
      const live = db.select().from(journeyVersions).where(eq(journeyVersions.journeyId, journeyId)).orderBy(desc(journeyVersions.version)).limit(1).get();
      if (!live) return null;
      const pairs = new Map(resolveMapping(machineNodes(live), draftNodes).map((p) => [p.from, p]));
      // from the gauges, within the forecast's budget at a million runs: an upper bound (runs due at the move stay)
      const moves = runMigration(db)
        .inFlight(live.id)
        .map((c) => {
          const p = pairs.get(c.nodeId);
          return { from: c.nodeId, to: p?.to ?? null, mode: p?.mode ?? null, inFlight: c.n, moving: p ? c.n : 0 };
        });
      return { fromVersion: live.version, inFlight: moves.reduce((a, m) => a + m.inFlight, 0), moves, moving: moves.reduce((a, m) => a + m.moving, 0) };
    },
  };
}

export type MigrationService = ReturnType<typeof createMigrationService>;
