import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import type { MigrationPair } from '../../shared/journey/migration';
import { awaitingMessage } from '../../shared/journey/run';
import { utcDay } from '../../shared/util/time';
import { addToMetric } from '../engine/counters';
import { createOutbox } from '../outbox';
import { runMoves } from './moves';

/** The two versions of one journey a migration moves runs between, as the run store needs them. */
export interface MigrationVersions {
  journeyId: string;
  /** journey_versions.id of the old version and of the new one */
  fromId: number;
  toId: number;
  /** the new version's number, for the counters */
  toVersion: number;
  /** the new version's exclusion group, which its runs carry */
  exclusionGroup: string | null;
}

/** Per old node, what a migration did or would do with its runs. */
export interface NodeMigrationCount {
  nodeId: string;
  /** in the journey at this node now (not exited) */
  inFlight: number;
  /** would move (or moved): not due, not already in the new version */
  movable: number;
  /** due by now: the engine may be stepping them, so they stay on the old version (migrate again later) */
  due: number;
  /** the contact already has a run in the new version (one run per contact and version): stays */
  inTarget: number;
  /** waits at a send node for the outcome of a message already sent: stays (entering a new send node afresh would send again) */
  awaitingOutcome: number;
}

/** The reason a deferred message of a run that migrated away from its send node is suppressed with. */
export const migratedReason = 'migrated';

/** Not waiting for the outcome of a message it sent (which a move would send again at the new node). */
const notAwaiting = `(runs.waiting_for is null or runs.waiting_for <> '${awaitingMessage}')`;

/**
 * A run that may move, on `runs` itself (alias-free so it reads in UPDATE … FROM):
 * still in the journey, its timer not parked by a pause, not due (a due run
 * may be in the engine's claimed batch right now, and the engine's write by
 * id would then overwrite the move), not waiting for its message's outcome,
 * and its contact not already in the new
 * version (`checkTarget`: skipped when the new version has no runs at all,
 * as right after its publish, which saves a probe per run).
 */
const movable = (checkTarget: boolean) =>
  `runs.version_id = @fromId and ${runMoves.migrateRestart.where('runs')} and runs.held_wake_at is null and (runs.wake_at is null or runs.wake_at > @now) and ${notAwaiting}${
    checkTarget ? ' and not exists (select 1 from runs t where t.contact_id = runs.contact_id and t.version_id = @toId)' : ''
  }`;

/** An entry appended to a run's path: the new node, the run's visit, the time, no port. */
const pathEntry = `json_array(m.to_node, runs.visit, @now, null)`;
const appendPath = `case when m.enters = 0 then runs.path when runs.path = '[]' then '[' || ${pathEntry} || ']' else substr(runs.path, 1, length(runs.path) - 1) || ',' || ${pathEntry} || ']' end`;

/**
 * The UPDATE of one mode. A keep sets only what changes (version, node, group;
 * the awaited event and the path when some pair needs them): SQLite rewrites
 * the entries of every index whose column a SET names, and at a million runs
 * the timer index (runs_due) is not to be touched for nothing.
 */
function moveSql(mode: 'keep' | 'restart', o: { checkTarget: boolean; awaits: boolean; path: boolean }): string {
  const set =
    mode === 'restart'
      ? `status = 'active', visit = runs.visit + 1, wake_at = @now, waiting_for = null, node_entered_at = @now`
      : [o.awaits ? 'waiting_for = case when runs.waiting_for is not null and m.awaits is not null then m.awaits else runs.waiting_for end' : '', o.path ? `path = ${appendPath}` : '']
          .filter(Boolean)
          .join(', ');
  return `update runs set version_id = @toId, node_id = m.to_node, exclusion_group = @group${set ? `, ${set}` : ''}
     from temp.migration_pairs m where m.from_node = runs.node_id and m.mode = '${mode}' and ${movable(o.checkTarget)}`;
}

type Params = { fromId: number; toId: number; now: number };

/**
 * The run store's side of a live-version migration: one transaction of
 * set-based statements over a temp mapping table (old node → new node, keep
 * or restart), never a loop over runs. Gauges and counters move in the same
 * transaction, so "waiting now" and the per-node figures reconcile after.
 */
function createRunMigration(db: Db) {
  const c = db.$client;
  c.exec(`create temp table if not exists migration_pairs (from_node text primary key, to_node text not null, mode text not null, awaits text, enters integer not null, sends integer not null)`);
  const clear = c.prepare('delete from temp.migration_pairs');
  const addPair = c.prepare('insert into temp.migration_pairs (from_node, to_node, mode, awaits, enters, sends) values (?, ?, ?, ?, ?, ?)');
  // statements by variant, prepared on first use
  const prepared = new Map<string, Database.Statement>();
  const stmt = (sqlText: string): Database.Statement => {
    let s = prepared.get(sqlText);
    if (s === undefined) prepared.set(sqlText, (s = c.prepare(sqlText)));
    return s;
  };
  // `cross join` keeps runs the outer loop: nothing indexes node_id, and a pair-first plan would read every run once per pair
  const countSql = (checkTarget: boolean) =>
    `select m.from_node, count(*) n from runs cross join temp.migration_pairs m on m.from_node = runs.node_id where ${movable(checkTarget)} group by m.from_node`;
  const deferredSql = (checkTarget: boolean) =>
    `select json_group_array(runs.id) from runs cross join temp.migration_pairs m on m.from_node = runs.node_id where m.mode = 'restart' and m.sends = 1 and ${movable(checkTarget)}`;
  // a restarted run's deferred message goes with it: suppressed and counted by the outbox, its one writer
  const outbox = createOutbox(db);
  // through the covering index that holds (contact, version): no run of the version stops at once
  const hasRuns = c.prepare<[number], number>('select exists (select 1 from runs where version_id = ?)').pluck();
  const bumpGauge = c.prepare('insert into node_gauges (version_id, node_id, active) values (?, ?, ?) on conflict (version_id, node_id) do update set active = active + excluded.active');
  const bumpMetric = c.prepare(addToMetric);
  const gauges = c.prepare<[number], { nodeId: string; n: number }>('select node_id nodeId, active n from node_gauges where version_id = ? and active <> 0 order by node_id');

  const census = c.prepare<Params, NodeMigrationCount>(
    `select node_id nodeId, count(*) inFlight,
       count(*) filter (where held_wake_at is null and (wake_at is null or wake_at > @now) and ${notAwaiting} and not exists (select 1 from runs t where t.contact_id = runs.contact_id and t.version_id = @toId)) movable,
       count(*) filter (where held_wake_at is null and wake_at is not null and wake_at <= @now) due,
       count(*) filter (where exists (select 1 from runs t where t.contact_id = runs.contact_id and t.version_id = @toId)) inTarget,
       count(*) filter (where not ${notAwaiting}) awaitingOutcome
     from runs where version_id = @fromId and ${runMoves.migrateRestart.where('runs')} group by node_id order by node_id`,
  );

  return {
    /**
     * Move the movable runs at each pair's old node to its new node, in one
     * transaction. Returns how many moved from each old node; a run at an
     * unmapped node, a due one, or one whose contact is already in the new
     * version stays on the old version.
     */
    migrate: c.transaction((v: MigrationVersions, pairs: readonly MigrationPair[], now: number): Map<string, number> => {
      clear.run();
      for (const p of pairs) addPair.run(p.from, p.to, p.mode, p.awaits, p.entersPath ? 1 : 0, p.leavesSend ? 1 : 0);
      const params: Params = { fromId: v.fromId, toId: v.toId, now };
      const checkTarget = hasRuns.get(v.toId) === 1;
      const counts = new Map((stmt(countSql(checkTarget)).all(params) as { from_node: string; n: number }[]).map((r) => [r.from_node, r.n]));
      const day = utcDay(now);
      if (pairs.some((p) => p.mode === 'restart' && p.leavesSend)) {
        const ids = (stmt(deferredSql(checkTarget)).pluck().get(params) as string | undefined) ?? '[]';
        outbox.suppressDeferred(ids, migratedReason, now);
      }
      const keeps = pairs.filter((p) => p.mode === 'keep');
      let moved = 0;
      if (keeps.length > 0)
        moved += stmt(moveSql('keep', { checkTarget, awaits: keeps.some((p) => p.awaits !== null), path: keeps.some((p) => p.entersPath) })).run({ ...params, group: v.exclusionGroup }).changes;
      if (pairs.some((p) => p.mode === 'restart')) moved += stmt(moveSql('restart', { checkTarget, awaits: false, path: false })).run({ ...params, group: v.exclusionGroup }).changes;
      const expected = [...counts.values()].reduce((a, b) => a + b, 0);
      // the counters below are only right if the UPDATE moved exactly the runs counted: anything else is a bug, and rolls back
      if (moved !== expected) throw new Error(`runs: a migration counted ${expected} runs to move but moved ${moved}`);
      for (const p of pairs) {
        const n = counts.get(p.from) ?? 0;
        if (n === 0) continue;
        bumpGauge.run(v.fromId, p.from, -n);
        bumpGauge.run(v.toId, p.to, n);
        if (p.entersPath) bumpMetric.run(v.journeyId, v.toVersion, p.to, 'entered', '', day, n);
      }
      clear.run();
      return counts;
    }),

    /** Per node of the old version (`toId` −1 when the new version does not exist yet): who is in flight, who could move, who stays and why. */
    census: (fromId: number, toId: number, now: number): NodeMigrationCount[] => census.all({ fromId, toId, now }),

    /** Who is at each node of a version now, from the gauges (no scan of its runs): the forecast's and the result's in-flight counts. */
    inFlight: (versionId: number): { nodeId: string; n: number }[] => gauges.all(versionId),
  };
}

export type RunMigration = ReturnType<typeof createRunMigration>;

const stores = new WeakMap<Db['$client'], RunMigration>();

/** The run store's migration statements of this connection (prepared once). */
export function runMigration(db: Db): RunMigration {
  let s = stores.get(db.$client);
  if (s === undefined) stores.set(db.$client, (s = createRunMigration(db)));
  return s;
}
