import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts } from '../db/schema';
import { awaitingMessage, type Run } from '../../shared/journey/run';
import { enteredStatus } from '../../shared/journey/runStatus';
import { settledStatuses, type SettledStatus } from '../../shared/outbox/status';
import { utcDay } from '../../shared/util/time';
import { addToMetrics } from '../engine/counters';
import { runMoves } from './moves';

export { assertStepMove, runMoves } from './moves';

/** What enrolment needs of the version it enrols into. */
export interface EnteringVersion {
  journeyId: string;
  versionId: number;
  /** the entry node */
  entry: string;
  exclusionGroup: string | null;
}

/** A run's new state after a step, as the batch writes it for a group of runs that took the same step. */
export type SteppedRun = Pick<Run, 'nodeId' | 'status' | 'visit' | 'wakeAt' | 'waitingFor' | 'nodeEnteredAt' | 'exitReason'>;

const ids = '(select value from json_each(?))';
const settled = settledStatuses.map((s) => `'${s}'`).join(', ');

/**
 * The statements a message's outcome takes to its run, exported for the test
 * that reads their plans: each must go by primary keys from the few messages
 * or runs it is given, never through the runs that wait (a million may).
 */
export const runSql = {
  /**
   * A message settled: the run waiting for its outcome at that node and visit
   * is due now (or, its journey paused, due as soon as it resumes). Parameters
   * @ids (message ids, JSON) and @now. Driven from the message ids: the `+`
   * keeps SQLite off the waiting_for index, which would read every run that
   * waits for a message, once per statement.
   */
  wakeAwaiting: `update runs set wake_at = case when runs.held_wake_at is null then min(coalesce(runs.wake_at, @now), @now) end,
       held_wake_at = case when runs.held_wake_at is not null then min(runs.held_wake_at, @now) end
     from (select m.run_id, m.node_id, m.visit from json_each(@ids) j join messages m on m.id = j.value where m.status in (${settled})) m
     where runs.id = m.run_id and runs.node_id = m.node_id and runs.visit = m.visit and runs.status = 'waiting' and +runs.waiting_for = '${awaitingMessage}'`,

  /** What the messages of these runs (JSON array of ids) came to, through the message key (run, node, visit): settled ones only. */
  awaitedOutcomes: `select m.run_id, m.status from runs r join messages m on m.run_id = r.id and m.node_id = r.node_id and m.visit = r.visit
     where r.id in ${ids} and m.status in (${settled})`,
} as const;

/** Move a node's "at this node now" gauge by `active`: (version id, node, active). */
const addToGauge = 'insert into node_gauges (version_id, node_id, active) values (?, ?, ?) on conflict (version_id, node_id) do update set active = active + excluded.active';

/**
 * The one owner of `runs` and of the `node_gauges` that count them: every
 * write of a run (enrolment, a step's batch, pause and resume, archive, an
 * orphan's end, a merge, a message's outcome) is here, each one statement or
 * one transaction over a set of runs, never a loop of per-run statements, and
 * each status change is one the table in shared/journey/runStatus.ts allows
 * (moves.ts). A run's gauge moves in the same statement group as the run, so
 * "waiting now" never needs a scan of a million runs.
 *
 * Callers that hold a transaction of their own (the runner's batch, a
 * journey's status change, a merge) call these inside it; better-sqlite3
 * nests the store's own transactions as savepoints.
 */
function createRunStore(db: Db) {
  const c = db.$client;

  // the runner's batch: one statement per set of runs that took the same step, ids as a JSON array.
  // The last three parameters append to the path: `,[node,visit,at,via]…` spliced in before its
  // closing bracket, without parsing the old path
  const moveRuns = c.prepare(
    `update runs set node_id = ?, status = ?, visit = ?, wake_at = ?, waiting_for = ?, node_entered_at = ?, exit_reason = ?, exited_at = ?, laps = ?,
       path = case when ? = '' then path when path = '[]' then '[' || substr(?, 2) || ']' else substr(path, 1, length(path) - 1) || ? || ']' end
     where id in ${ids}`,
  );
  const bumpGauge = c.prepare(addToGauge);

  // orphans: runs whose contact or version is gone. Counted before the rows change, one counter per (version, node)
  const countOrphanExits = c.prepare(
    addToMetrics(`select r.journey_id, v.version, r.node_id, 'exited', ?, ?, count(*)
     from runs r join journey_versions v on v.id = r.version_id where r.id in ${ids} and r.${runMoves.end.where()}
     group by r.version_id, r.node_id`),
  );
  const dropOrphanGauges = c.prepare(
    `update node_gauges set active = active - (select count(*) from runs r where r.id in ${ids} and r.${runMoves.end.where()} and r.version_id = node_gauges.version_id and r.node_id = node_gauges.node_id)
     where (version_id, node_id) in (select version_id, node_id from runs r where r.id in ${ids} and r.${runMoves.end.where()})`,
  );
  const endOrphans = c.prepare(
    `update runs set status = 'exited', exit_reason = ?, exited_at = ?, wake_at = null, held_wake_at = null, waiting_for = null where id in ${ids} and ${runMoves.end.where()}`,
  );

  // a claim read before its batch's transaction, on the engine thread while the API thread writes the same file:
  // which of its runs are still as claimed (JSON [[id, wake_at, node_id, visit, status, contact_id], …]) and not in a paused
  // or archived journey. Primary-key probes, one per run of the batch (CROSS JOIN: the claim drives, never a scan of runs)
  const stillAsClaimed = c
    .prepare<[string], string>(
      `select json_group_array(r.id) from json_each(?) k cross join runs r on r.id = k.value ->> 0
       where r.wake_at is k.value ->> 1 and r.node_id = k.value ->> 2 and r.visit = k.value ->> 3 and r.status = k.value ->> 4 and r.contact_id = k.value ->> 5
         and not exists (select 1 from journeys j where j.id = r.journey_id and j.status in ('paused', 'archived'))`,
    )
    .pluck();
  // claimed runs of a paused journey the pause's slices have not reached yet: parked as the pause parks its timers
  const parkPaused = c.prepare(`update runs set held_wake_at = wake_at, wake_at = null where id in ${ids} and wake_at is not null and journey_id in (select id from journeys where status = 'paused')`);

  // pause parks timers where the runner (which claims by wake_at) cannot see them; resume puts them back. Both go a
  // slice at a time (services/journeyLifecycle.ts), so a journey of half a million runs never holds the write lock
  // for long, and each slice checks the journey is still paused (or live): a resume that lands between two slices
  // of its pause stops the pause's slices, and the other way round.
  // Pause walks the table by id range: nothing indexes a journey's timers, and a range never reads a row twice
  const parkTimers = c.prepare<{ journeyId: string; from: number; to: number }>(
    `update runs set held_wake_at = wake_at, wake_at = null
     where id between @from and @to and journey_id = @journeyId and wake_at is not null
       and exists (select 1 from journeys where id = @journeyId and status = 'paused')`,
  );
  const lastRunId = c.prepare<[], number | null>('select max(id) from runs').pluck();
  // resume takes them back through runs_held, which holds only parked runs: each slice starts where the last ended.
  // "skip what fell due": a timer that came due during the pause starts its wait again from the resume (@now), as long
  // as it had been (wake − arrival at the node); a run waiting for its message's outcome keeps its timer (the outcome is news, not stale)
  const releaseTimers = c.prepare<{ journeyId: string; now: number; skip: 0 | 1; limit: number }>(
    `update runs set wake_at = case when @skip and held_wake_at <= @now and (waiting_for is null or waiting_for <> '${awaitingMessage}')
       then @now + max(0, held_wake_at - node_entered_at) else held_wake_at end, held_wake_at = null
     where id in (select id from runs where journey_id = @journeyId and held_wake_at is not null limit @limit)
       and exists (select 1 from journeys where id = @journeyId and status = 'live')`,
  );
  // after a crash in the middle of a resume: the live journeys' timers still parked go back as they were
  const releaseStranded = c.prepare(`update runs set wake_at = held_wake_at, held_wake_at = null where held_wake_at is not null and journey_id in (select id from journeys where status = 'live')`);
  // what resume would release: through runs_held, which holds only paused journeys' runs
  const countHeld = c.prepare<[number, string], { due: number; held: number }>(
    `select count(*) filter (where held_wake_at <= ?) due, count(*) held from runs where journey_id = ? and held_wake_at is not null`,
  );

  // archive: every run still in the journey ends, a slice of ids at a time (as a pause's timers), counted as the
  // runner counts exits (endRuns); how many there were comes from the gauges, which count them without a scan
  const journeyRunsIn = c.prepare<[number, number, string], string>(`select json_group_array(id) from runs where id between ? and ? and journey_id = ? and ${runMoves.end.where()}`).pluck();
  const inJourney = c.prepare<[string], number>(`select coalesce(sum(active), 0) from node_gauges where version_id in (select id from journey_versions where journey_id = ?)`).pluck();
  // every run of the journey has exited: no one is at any of its nodes any more
  const zeroGauges = c.prepare(`update node_gauges set active = 0 where version_id in (select id from journey_versions where journey_id = ?)`);

  // a merge: a run of the same version on both sides keeps the identified contact's; the other leaves its node's gauge, then the table
  const moveContactRuns = c.prepare('update or ignore runs set contact_id = ? where contact_id = ?');
  const dropContactGauges = c.prepare(
    `update node_gauges set active = active - (select count(*) from runs r where r.contact_id = ? and r.status <> 'exited' and r.version_id = node_gauges.version_id and r.node_id = node_gauges.node_id)
     where (version_id, node_id) in (select version_id, node_id from runs where contact_id = ? and status <> 'exited')`,
  );
  const contactRunIds = c.prepare<[number], string>(`select json_group_array(id) from runs where contact_id = ?`).pluck();
  const deleteContactRuns = c.prepare('delete from runs where contact_id = ?');

  const wakeAwaiting = c.prepare(runSql.wakeAwaiting);
  const outcomes = c.prepare<[string], { run_id: number; status: SettledStatus }>(runSql.awaitedOutcomes);

  /**
   * Enrol as runs due at once the contacts `admitted` selects (the caller's
   * SQL over `contacts`: its segment or contact, re-entry policy, exclusion
   * group), in `order`, at most `limit`. Re-entry into the same version
   * reuses the row of an exited run and keeps counting visits, so message
   * keys stay unique. The entry node's gauge moves in the same transaction.
   */
  const enter = c.transaction((v: EnteringVersion, admitted: SQL, now: number, o: { order?: SQL; limit?: number } = {}): number => {
    const limit = o.limit !== undefined && Number.isFinite(o.limit) ? sql`limit ${o.limit}` : sql``;
    const n = db.run(sql`
      insert into runs (journey_id, version_id, contact_id, node_id, status, visit, wake_at, entered_at, node_entered_at, exclusion_group, entries)
      select ${v.journeyId}, ${v.versionId}, ${contacts.id}, ${v.entry}, ${enteredStatus}, 1, ${now}, ${now}, ${now}, ${v.exclusionGroup}, 1
      from ${contacts}
      where ${admitted}
      ${o.order ? sql`order by ${o.order}` : sql``}
      ${limit}
      on conflict (contact_id, version_id) do update set
        node_id = excluded.node_id, status = ${enteredStatus}, visit = runs.visit + 1, wake_at = excluded.wake_at, waiting_for = null,
        entered_at = excluded.entered_at, node_entered_at = excluded.node_entered_at, exit_reason = null, exited_at = null,
        entries = runs.entries + 1, laps = null
      where ${sql.raw(`runs.${runMoves.reenter.where()}`)}`).changes;
    if (n > 0) bumpGauge.run(v.versionId, v.entry, n);
    return n;
  });

  return {
    enter,

    /**
     * Write one group of a batch's runs that took the same step to the same
     * state (`idsJson`, a JSON array of run ids), appending `path` (entries
     * `,[node,visit,at,via]…`, or '' for none) to each run's path and
     * setting its loop passes (`laps`, JSON or null). The caller
     * holds the batch's transaction and has checked the move (assertStepMove).
     * Positional: this runs for every group of every batch of a million-run wave.
     */
    moveGroup(r: SteppedRun, exitedAt: number | null, path: string, laps: string | null, idsJson: string): void {
      moveRuns.run(r.nodeId, r.status, r.visit, r.wakeAt, r.waitingFor, r.nodeEnteredAt, r.exitReason, exitedAt, laps, path, path, path, idsJson);
    },

    /** Move the "at this node now" gauge of (version, node) by `n`, as a batch's runs arrive (+) and leave (−). */
    addToGauge(versionId: number, nodeId: string, n: number): void {
      bumpGauge.run(versionId, nodeId, n);
    },

    /**
     * End runs that cannot be stepped (`runIdsJson`, a JSON array of ids) with
     * `reason`: counted as exits (a missing version has no version number to
     * count under), their nodes' gauges drop. The caller suppresses what they
     * had deferred. Returns how many ended.
     */
    endRuns: c.transaction((runIdsJson: string, reason: string, now: number): number => {
      countOrphanExits.run(reason, utcDay(now), runIdsJson);
      dropOrphanGauges.run(runIdsJson, runIdsJson);
      return endOrphans.run(reason, now, runIdsJson).changes;
    }),

    /**
     * Of runs claimed before this transaction (the engine thread reads its
     * claim before it takes the write lock), the ids of those still as
     * claimed: same timer, node, visit, status and contact, their journey neither
     * paused nor archived. The API thread may have moved one meanwhile (an
     * event it routed, a merge), or paused or archived its journey; those are
     * not the caller's to write (the runner's next claim parks or ends those
     * of a paused or archived journey). The caller holds the transaction.
     */
    stillAsClaimed(rows: readonly { id: number; wake_at: number | null; node_id: string; visit: number; status: string; contact_id: number }[]): Set<number> {
      return new Set(JSON.parse(stillAsClaimed.get(JSON.stringify(rows.map((r) => [r.id, r.wake_at, r.node_id, r.visit, r.status, r.contact_id])))!) as number[]);
    },

    /** Of these runs (a JSON array of ids), park the timers of those whose journey is paused, as its pause does; how many. */
    parkIfPaused: (runIdsJson: string): number => parkPaused.run(runIdsJson).changes,

    /**
     * Park the timers of a paused journey's runs with ids in [from, to] (none
     * once it is no longer paused); how many. `lastRunId` bounds the walk.
     */
    parkTimers: (journeyId: string, from: number, to: number): number => parkTimers.run({ journeyId, from, to }).changes,

    /** The highest run id, or 0 for none. */
    lastRunId: (): number => lastRunId.get() ?? 0,

    /**
     * Put back up to `limit` of a resumed journey's parked timers (none once it
     * is no longer live): as they were ('continue': what fell due meanwhile
     * goes on the next tick), or ('skip') a timer that fell due by `now`
     * restarts its wait from `now`. How many.
     */
    releaseTimers: (journeyId: string, now: number, dueTimers: 'continue' | 'skip', limit: number): number => releaseTimers.run({ journeyId, now, skip: dueTimers === 'skip' ? 1 : 0, limit }).changes,

    /** Live journeys' timers still parked (a resume cut short by a crash) go back as they were. How many. */
    releaseStranded: (): number => releaseStranded.run().changes,

    /** A paused journey's parked timers: how many fell due by `now`, how many there are. */
    heldTimers: (journeyId: string, now: number): { due: number; held: number } => countHeld.get(now, journeyId) ?? { due: 0, held: 0 },

    /** How many of the journey's runs are still in it (its gauges: no scan of runs). */
    inJourney: (journeyId: string): number => inJourney.get(journeyId) ?? 0,

    /** The journey's runs still in it with ids in [from, to], as a JSON array (for `endRuns`). */
    journeyRunsIn: (journeyId: string, from: number, to: number): string => journeyRunsIn.get(from, to, journeyId) ?? '[]',

    /** Every gauge of the journey to 0, once all its runs have ended. */
    zeroGauges: (journeyId: string): void => void zeroGauges.run(journeyId),

    /**
     * A contact merged into another: its runs become `into`'s, except where
     * `into` has a run of the same version, which wins; the losing runs leave
     * their gauges and the table. Returns their ids (a JSON array), for the
     * caller to suppress what they had deferred.
     */
    mergeContact: c.transaction((from: number, into: number): string => {
      moveContactRuns.run(into, from);
      dropContactGauges.run(from, from);
      const gone = contactRunIds.get(from) ?? '[]';
      deleteContactRuns.run(from);
      return gone;
    }),

    /**
     * Messages (`messageIdsJson`) reached a final status: the runs waiting
     * for them at a send node become due now, so the next tick steps them
     * with the outcome. One statement for a whole group of settles; a message
     * nobody waits for costs a primary-key probe. Returns how many woke.
     */
    wakeAwaiting: (messageIdsJson: string, now: number): number => wakeAwaiting.run({ ids: messageIdsJson, now }).changes,

    /** The settled status of the message each of these runs (JSON array of ids) waits for at its node and visit; runs whose message has not settled are absent. */
    awaitedOutcomes: (runIdsJson: string): Map<number, SettledStatus> => new Map(outcomes.all(runIdsJson).map((r) => [r.run_id, r.status])),
  };
}

export type RunStore = ReturnType<typeof createRunStore>;

// one store per connection: statements are prepared once, and the engine thread's connection gets its own
const stores = new WeakMap<Db['$client'], RunStore>();

/** The run store of this connection. */
export function runStore(db: Db): RunStore {
  let s = stores.get(db.$client);
  if (s === undefined) stores.set(db.$client, (s = createRunStore(db)));
  return s;
}
