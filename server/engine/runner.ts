import type { Db } from '../db/client';
import { awaitingMessage, type Run, type StepInput } from '../../shared/journey/run';
import { ContactNotLoaded } from '../../shared/journey/errors';
import { step, type StepResult } from '../../shared/journey/step';
import { withTrait } from '../../shared/segments/evaluate';
import { seededRng } from '../../shared/util/hash';
import { MINUTE } from '../../shared/util/time';
import type { ContactPolicy } from '../../shared/policy/policy';
import type { MachineCache } from './machines';
import { createContactCheck, createContactLoader, policyFor, unloadedContact, type ContactState } from './batchContext';
import { runStore } from '../runs';
import { defaultYieldAfterMs, inSlices, runsEpoch } from '../db/writeGate';
import { archivedExitReason } from '../outbox';
import { createBatchWriter, leftJourneyReason, type BatchCounts, type BatchWriterOptions, type RunRow, type Stepped } from './writeBatch';
import { createRunEnd } from './runEnd';
import { failureReason, journeyErrorsOf } from './journeyErrors';
import { createTemplateCategories } from './templateCategories';

export interface EngineSettings {
  timezone: string;
  rngSeed: number;
  policy: ContactPolicy;
}

export interface RunnerDeps {
  db: Db;
  machines: MachineCache;
  settings: () => EngineSettings;
  /** the batch writer's options (the backtest's copy delivers at enqueue) */
  writer?: BatchWriterOptions;
  /**
   * With the engine on its own thread: once a batch's write has held the write
   * lock this long (ms) and an API writer waits, the runs written so far commit
   * and the rest go on in a new transaction, the API's write first (`commitClaimed`).
   */
  yieldAfterMs?: number;
}

/** Claimed runs that cannot be stepped: their contact or their journey version is gone. */
interface Orphans {
  contact: number[];
  version: number[];
}
const noOrphans: Orphans = { contact: [], version: [] };

/** Add `c` to `into`. */
function addCounts(into: BatchCounts, c: BatchCounts): void {
  into.stepped += c.stepped;
  into.queued += c.queued;
  into.withheld += c.withheld;
  into.exited += c.exited;
}

/**
 * Runs written between two looks at whether an API writer waits: a quarter of
 * a batch, about 2–3 ms of its write under load. Each slice is a statement
 * per outcome of its own: at 250 runs the first wave of the engine bench
 * (with a gate) ran 3–7% slower; at 500, no slower than unsliced.
 */
export const writeSliceRuns = 500;

export interface TickReport extends BatchCounts {
  batches: number;
  /** true when due runs were left for the next tick (the batch budget ran out) */
  backlog: boolean;
}

/** The columns of `runs` that make a RunRow, in order (the runner's claim, the event router, `runRowOf`). */
export const runColumns = 'id, journey_id, version_id, contact_id, node_id, status, visit, wake_at, waiting_for, entered_at, node_entered_at, exit_reason, laps';

/** A `runs` row read as an array of `runColumns`, as a RunRow. */
export function runRowOf(r: unknown[]): RunRow {
  return {
    id: r[0] as number,
    journey_id: r[1] as string,
    version_id: r[2] as number,
    contact_id: r[3] as number,
    node_id: r[4] as string,
    status: r[5] as RunRow['status'],
    visit: r[6] as number,
    wake_at: r[7] as number | null,
    waiting_for: r[8] as string | null,
    entered_at: r[9] as number,
    node_entered_at: r[10] as number,
    exit_reason: r[11] as string | null,
    laps: r[12] as string | null,
  };
}

/** A claimed row as the run `step` takes (only runs that passed a loop-limited node have laps to parse). */
const runOf = (row: RunRow): Run => ({
  id: String(row.id),
  contactId: String(row.contact_id),
  nodeId: row.node_id,
  status: row.status,
  visit: row.visit,
  wakeAt: row.wake_at,
  waitingFor: row.waiting_for,
  enteredAt: row.entered_at,
  nodeEnteredAt: row.node_entered_at,
  exitReason: row.exit_reason,
  laps: row.laps === null ? null : (JSON.parse(row.laps) as Record<string, number>),
});

const start: StepInput = { type: 'start' };
const timer: StepInput = { type: 'timer' };

/** Due order: by wake time, then whoever entered its node first, then id. */
const dueBefore = (a: RunRow, b: RunRow): number => (a.wake_at ?? 0) - (b.wake_at ?? 0) || a.node_entered_at - b.node_entered_at || a.id - b.id;

/**
 * The claimed runs in due order, so that within a batch the run that has waited
 * longest takes a contact's free cap slot first. SQLite aggregates the claim's
 * rows in the order its subquery gives them, but does not promise it; rows
 * already in order cost the sort one pass (a single run).
 */
export const inDueOrder = (rows: RunRow[]): RunRow[] => rows.sort(dueBefore);

/**
 * The runner: claims due runs in batches, steps them with the pure core, writes each batch in one transaction.
 *
 * One journey's failure never stops the others: a step that throws (its
 * machine names a kind this code does not know, a template it sends is gone)
 * marks that run's journey errored with the reason, and the batch is stepped
 * again without that journey's runs, which stay where they are, due, until an
 * operator clears the error. The claim passes over errored journeys' runs.
 */
export function createRunner({ db, machines, settings, writer, yieldAfterMs = defaultYieldAfterMs }: RunnerDeps) {
  const write = createBatchWriter(db, writer);
  const loadContacts = createContactLoader(db);
  const errors = journeyErrorsOf(db);
  const templateCategories = createTemplateCategories(db);
  // the batch comes back as one JSON array of rows, parsed once and shaped here: better-sqlite3 builds
  // each row of a result and each value in it separately, which costs more than the query itself
  const due = `select ${runColumns} from runs where wake_at is not null and wake_at <= ? order by wake_at, node_entered_at, id limit ?`;
  const claimStmt = db.$client.prepare<[number, number], string>(`select json_group_array(json_array(${runColumns})) from (${due})`).pluck();
  // the same claim passing over errored journeys (their ids as a JSON array), used only while there are any:
  // each claim then reads past their due runs in the index, a cost the healthy path never pays
  const dueSkipping = `select ${runColumns} from runs where wake_at is not null and wake_at <= ? and journey_id not in (select value from json_each(?)) order by wake_at, node_entered_at, id limit ?`;
  const claimSkippingStmt = db.$client.prepare<[number, string, number], string>(`select json_group_array(json_array(${runColumns})) from (${dueSkipping})`).pluck();
  /** errored journeys, read at the start of each tick and joined by those its steps mark */
  let skipping = new Set<string>();
  // paused and archived journeys: a pause parks its timers and an archive ends its runs a slice at a time after
  // the commit, and a run the slices have not reached yet may fall due meanwhile. It is parked, or ended as the
  // archive ends it, never stepped. Read at the start of each tick, and again whenever the API thread has written
  // journeys or runs since (runsEpoch), so a batch claimed after a pause knows of it
  const frozenStmt = db.$client.prepare<[], { id: string; status: 'paused' | 'archived' }>(`select id, status from journeys where status in ('paused', 'archived')`);
  const readFrozen = () => new Map(frozenStmt.all().map((j) => [j.id, j.status]));
  const endRuns = createRunEnd(db);
  const claimDue = {
    all: (now: number, limit: number): RunRow[] =>
      inDueOrder((JSON.parse((skipping.size === 0 ? claimStmt.get(now, limit) : claimSkippingStmt.get(now, JSON.stringify([...skipping]), limit)) as string) as unknown[][]).map(runRowOf)),
  };
  // runs whose contact or journey version no longer exists (a row deleted by hand, a restore gone wrong) cannot be
  // stepped, and left due they would be claimed again on every tick, ahead of everyone behind them: each leaves with
  // the reason, counted like any exit (a missing version has no version number to count under), and a message it
  // had deferred is suppressed
  const exitOrphans = (runIds: readonly number[], reason: string, now: number): number => (runIds.length === 0 ? 0 : endRuns(JSON.stringify(runIds), reason, leftJourneyReason(reason), now));
  const runs = runStore(db);

  /**
   * What wakes each claimed run: a fresh run starts, a waiting one's timer
   * fired; but a run waiting at a send node for its message's outcome gets
   * that outcome when the outbox has settled it (the dispatcher made it due),
   * else its timer: it waited as long as it would. The outcomes are one query
   * for the batch, and only for a batch that holds such a run.
   */
  function inputsFor(rows: readonly RunRow[]): (row: RunRow) => StepInput {
    let awaiting: number[] | null = null;
    for (const r of rows) if (r.waiting_for === awaitingMessage) (awaiting ??= []).push(r.id);
    const outcomes = awaiting === null ? null : runs.awaitedOutcomes(JSON.stringify(awaiting));
    return (r) => {
      if (r.status === 'active') return start;
      const status = outcomes?.get(r.id);
      return status === undefined ? timer : { type: 'message', status };
    };
  }

  /**
   * (version, node, input) whose step read the contact: stepped with it from
   * then on. The others are stepped first without it (`unloadedContact`), and
   * most such steps never read one (a timer that leads to an exit or the next
   * wait, a wait's event port); a step that does throws at its first read,
   * before it decides anything, and is stepped again with its contact.
   */
  const readsContact = new Set<string>();
  const contactExists = createContactCheck(db);
  const inputKey = (row: RunRow, input: StepInput): string => `${row.version_id}\u0000${row.node_id}\u0000${input.type === 'message' ? input.status : input.type}`;

  /**
   * Step `rows` with `inputFor(row)` and write the outcome in one transaction.
   * Contacts are loaded only for the runs whose step reads them; a run whose
   * contact is gone leaves the journey, read or not.
   *
   * `claimedAt`: the rows were read before the write lock was taken, while
   * the API thread writes the same file, and this was its `runsEpoch` then.
   * Should it have written runs or journeys since (an event it routed moved a
   * run, a pause), the transaction writes only the runs still as they were
   * claimed (the run store's `stillAsClaimed`); the others are left as the
   * API left them: a run moved twice would have sent twice.
   */
  function advance(rows: readonly RunRow[], inputFor: (row: RunRow) => StepInput, now: number, claimedAt: number | null = null): BatchCounts {
    if (rows.length === 0) return { stepped: 0, queued: 0, withheld: 0, exited: 0 };
    const s = settings();
    const versions = machines.load(rows.map((r) => r.version_id));
    const rng = seededRng(s.rngSeed);
    const templateCategory = templateCategories();
    const befores = rows.map(runOf);
    const inputs = rows.map(inputFor);
    // first without contacts, where the step from that node has not read one before
    const results: (StepResult | undefined)[] = new Array<StepResult | undefined>(rows.length);
    /** rows whose step reads the contact, in batch order (the caps' in-memory ledger counts in that order) */
    const needed: number[] = [];
    rows.forEach((row, i) => {
      const version = versions.get(row.version_id);
      if (!version) return;
      const key = inputKey(row, inputs[i] as StepInput);
      if (!readsContact.has(key))
        try {
          // a step that sets a trait reads the profile to do so: it never completes here
          results[i] = step(befores[i] as Run, inputs[i] as StepInput, { machine: version.machine, now, rng, profile: unloadedContact.profile, policy: unloadedContact.policy, templateCategory });
          return;
        } catch (e) {
          if (e instanceof ContactNotLoaded) readsContact.add(key);
          // any other throw is stepped again with the contact below, and handled there as always
        }
      needed.push(i);
    });
    const history = new Map<string, number>();
    for (const v of versions.values()) for (const [name, days] of Object.entries(v.machine.historyEvents)) history.set(name, Math.max(history.get(name) ?? 0, days));
    const contacts =
      needed.length === 0
        ? new Map<number, ContactState>()
        : loadContacts(
            needed.map((i) => (rows[i] as RunRow).contact_id),
            now,
            { defaultTimezone: s.timezone, policy: s.policy, history },
          );
    /** journey → why its step threw; null while none did (the usual case) */
    let failed: Map<string, string> | null = null;
    for (const i of needed) {
      const row = rows[i] as RunRow;
      const version = versions.get(row.version_id);
      const contact = contacts.get(row.contact_id);
      // no contact: an orphan, below
      if (!version || !contact || failed?.has(row.journey_id)) continue;
      try {
        const result = step(befores[i] as Run, inputs[i] as StepInput, {
          machine: version.machine,
          now,
          rng,
          profile: contact.profile,
          policy: policyFor(s.policy, contact, now, version.machine),
          templateCategory,
        });
        for (const e of result.effects) if (e.type === 'setTrait') contact.profile = withTrait(contact.profile, e.trait, e.value);
        results[i] = result;
      } catch (e) {
        (failed ??= new Map()).set(row.journey_id, failureReason('runner', e));
      }
    }
    if (failed !== null) {
      // the failed journeys' earlier runs in this batch already took cap slots and set traits in memory:
      // step the rest again from fresh contacts, as if those journeys had not been in the batch
      for (const [journeyId, reason] of failed) {
        errors.mark(journeyId, reason, now);
        skipping.add(journeyId);
      }
      const journeys = failed;
      return advance(
        rows.filter((r) => !journeys.has(r.journey_id)),
        inputFor,
        now,
        claimedAt,
      );
    }
    // the contacts of runs stepped without one: do they still exist (loaded ones do)
    const exists = contactExists(rows.flatMap((r, i) => (results[i] !== undefined && !contacts.has(r.contact_id) ? [r.contact_id] : [])));
    const batch: Stepped[] = [];
    const orphans: Orphans = { contact: [], version: [] };
    rows.forEach((row, i) => {
      const version = versions.get(row.version_id);
      const result = results[i];
      if (!version) orphans.version.push(row.id);
      else if (result === undefined || !(contacts.has(row.contact_id) || exists.has(row.contact_id))) orphans.contact.push(row.id);
      else {
        // a due run that did not move would be claimed again at once; give it a minute
        const run = result.effects.length === 0 && result.run.wakeAt !== null && result.run.wakeAt <= now ? { ...result.run, wakeAt: now + MINUTE } : result.run;
        batch.push({ before: row, run, effects: result.effects, version });
      }
    });
    if (claimedAt === null) return commit(batch, orphans, now);
    return commitClaimed(rows, batch, orphans, now, claimedAt);
  }

  /**
   * Write a batch claimed outside the write lock (the engine thread's), as
   * `commit` does, `writeSliceRuns` runs at a time. While no API writer waits,
   * every slice goes in the one transaction. Once one waits and the lock has
   * been held `yieldAfterMs`, the runs written so far commit and the rest go on
   * in a new transaction, whose take lets the writer go first: under load a
   * 2,000-run batch held the lock about 10 ms, and a /v1/track behind it waited
   * as long (bench:api, runs side by side: API waits over 10 ms in the loaded
   * minute fell from 103–188 to 41–83). Each transaction writes only the runs
   * still as they were claimed when the API thread has written runs or
   * journeys since the claim (an event it routed moved a run, a pause): a run
   * moved twice would have sent twice.
   */
  function commitClaimed(rows: readonly RunRow[], batch: readonly Stepped[], orphans: Orphans, now: number, claimedAt: number): BatchCounts {
    const counts: BatchCounts = { stepped: 0, queued: 0, withheld: 0, exited: 0 };
    // one slice at least: the orphans go with the first
    inSlices(db.$client, Math.max(batch.length, 1), writeSliceRuns, yieldAfterMs, () => {
      const kept = runsEpoch(db.$client) === claimedAt ? null : runs.stillAsClaimed(rows);
      const mine = (id: number) => kept === null || kept.has(id);
      return (i) => {
        const slice = batch.slice(i, i + writeSliceRuns).filter((s) => mine(s.before.id));
        addCounts(counts, commit(slice, i === 0 ? { contact: orphans.contact.filter(mine), version: orphans.version.filter(mine) } : noOrphans, now));
      };
    });
    return counts;
  }

  /** Write a batch's outcome, and end its orphans, in one transaction. */
  function commit(batch: readonly Stepped[], orphans: Orphans, now: number): BatchCounts {
    if (orphans.contact.length + orphans.version.length === 0) return write(batch, now);
    return db.$client.transaction(() => {
      const exited = exitOrphans(orphans.contact, 'contact_missing', now) + exitOrphans(orphans.version, 'version_missing', now);
      const c = write(batch, now);
      return { ...c, exited: c.exited + exited };
    })();
  }

  return {
    advance,

    /**
     * Move every run due at `now`, `batchSize` at a time, at most `maxBatches`
     * batches, so a backlog drains over several ticks and the API stays responsive.
     */
    tick(now: number, { batchSize = 2000, maxBatches = 50 } = {}): TickReport {
      const report: TickReport = { batches: 0, stepped: 0, queued: 0, withheld: 0, exited: 0, backlog: false };
      skipping = errors.erroredIds();
      // the count first, then the journeys: a pause landing in between is read again at the first claim
      let frozenAt = runsEpoch(db.$client);
      let frozen = readFrozen();
      for (;;) {
        if (report.batches >= maxBatches) {
          report.backlog = claimDue.all(now, 1).length > 0;
          return report;
        }
        // what the API thread had written when the claim was read (null: no other writing thread)
        const claimedAt = runsEpoch(db.$client);
        if (claimedAt !== frozenAt) {
          frozen = readFrozen();
          frozenAt = claimedAt;
        }
        let rows = claimDue.all(now, batchSize);
        if (rows.length === 0) return report;
        if (frozen.size > 0 && rows.some((r) => frozen.has(r.journey_id))) {
          const of = (status: 'paused' | 'archived') => rows.flatMap((r) => (frozen.get(r.journey_id) === status ? [r.id] : []));
          const [paused, archived] = [of('paused'), of('archived')];
          if (paused.length) runs.parkIfPaused(JSON.stringify(paused));
          if (archived.length) report.exited += endRuns(JSON.stringify(archived), archivedExitReason, archivedExitReason, now);
          rows = rows.filter((r) => !frozen.has(r.journey_id));
        }
        const c = advance(rows, inputsFor(rows), now, claimedAt);
        report.batches++;
        addCounts(report, c);
      }
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
