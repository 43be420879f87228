import type { Db } from '../db/client';
import { utcDay } from '../../shared/util/time';
import type { Effect } from '../../shared/journey/effects';
import { awaitingMessage, type Run } from '../../shared/journey/run';
import { addToMetric } from './counters';
import type { LoadedVersion } from './machines';
import { kindDef } from '../../shared/journey/registry';
import { outboxSql } from '../outbox/statements';
import { assertStepMove, runStore } from '../runs';

export interface Stepped {
  before: RunRow;
  run: Run;
  effects: Effect[];
  version: LoadedVersion;
}

/** A `runs` row as the engine reads it. */
export interface RunRow {
  id: number;
  journey_id: string;
  version_id: number;
  contact_id: number;
  node_id: string;
  status: Run['status'];
  visit: number;
  wake_at: number | null;
  waiting_for: string | null;
  entered_at: number;
  node_entered_at: number;
  exit_reason: string | null;
  /** JSON of the run's passes through loop-limited nodes, or null */
  laps: string | null;
}

/** Messages of one batch that share everything but their run and contact: written by one statement. */
interface MessageGroup {
  nth: number;
  v: LoadedVersion;
  nodeId: string;
  visit: number;
  channel: string;
  template: string;
  category: string;
  status: string;
  reason: string | null;
  history: string;
  /** the runs, as places in the batch, sorted before the insert: their messages take ids in batch (due) order */
  at: number[];
}

/** Runs of one batch that took the same step to the same state: written by one statement. */
interface RunGroup {
  run: Run;
  exitedAt: number | null;
  path: string;
  laps: string | null;
  ids: number[];
}

export interface BatchCounts {
  stepped: number;
  queued: number;
  withheld: number;
  exited: number;
}

/** A history entry as JSON text, built by hand: this runs for every message of a million-run wave. */
export const historyEntry = (status: string, at: number, detail?: Record<string, unknown>): string =>
  detail ? `{"status":${JSON.stringify(status)},"at":${at},"detail":${JSON.stringify(detail)}}` : `{"status":${JSON.stringify(status)},"at":${at}}`;

/**
 * Rows grouped by a tuple of values through nested maps (Map keys keep null,
 * numbers and strings apart): cheaper per row than joining a key string and
 * hashing it, since most parts are numbers or the machine's own strings.
 */
class Groups<G> {
  private readonly root = new Map<unknown, unknown>();
  readonly list: G[] = [];
  get(parts: readonly unknown[], make: () => G): G {
    let m = this.root;
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) {
      let next = m.get(parts[i]) as Map<unknown, unknown> | undefined;
      if (next === undefined) m.set(parts[i], (next = new Map()));
      m = next;
    }
    let g = m.get(parts[last]) as G | undefined;
    if (g === undefined) {
      g = make();
      m.set(parts[last], g);
      this.list.push(g);
    }
    return g;
  }
}

/**
 * Runs of one batch whose steps came out the same but for their run and
 * contact ids: the same node, status and version before, the same effects
 * field by field, and the same new state as the writer writes it. A wave of
 * runs has a handful of outcomes; each is worked out once, not once per run.
 */
interface Outcome {
  rep: Stepped;
  /** each run's place in the batch */
  at: number[];
}

/** The batch's outcomes, in the order of their first run. A run twice in one batch is refused (the order of its two steps would be lost). */
function outcomesOf(batch: readonly Stepped[]): Outcome[] {
  const all: Outcome[] = [];
  // by the node each run moved to; a bucket compares a run with its most recent outcomes only, so a batch of all-different steps stays linear
  const buckets = new Map<string, Outcome[]>();
  const seen = new Set<number>();
  for (let i = 0; i < batch.length; i++) {
    const s = batch[i] as Stepped;
    if (seen.has(s.before.id)) throw new Error(`run ${s.before.id} twice in one batch`);
    seen.add(s.before.id);
    let bucket = buckets.get(s.run.nodeId);
    if (bucket === undefined) buckets.set(s.run.nodeId, (bucket = []));
    let o: Outcome | undefined;
    for (let k = bucket.length - 1; k >= Math.max(0, bucket.length - 8) && o === undefined; k--) if (sameOutcome((bucket[k] as Outcome).rep, s)) o = bucket[k];
    if (o === undefined) {
      o = { rep: s, at: [] };
      bucket.push(o);
      all.push(o);
    }
    o.at.push(i);
  }
  return all;
}

function sameOutcome(a: Stepped, b: Stepped): boolean {
  if (a.version !== b.version || a.before.node_id !== b.before.node_id || a.before.status !== b.before.status) return false;
  const x = a.run;
  const y = b.run;
  // the fields of the run the writer writes (the run store's moveGroup); id, contact and entry time are the run's own
  if (
    x.nodeId !== y.nodeId ||
    x.status !== y.status ||
    x.visit !== y.visit ||
    x.wakeAt !== y.wakeAt ||
    x.waitingFor !== y.waitingFor ||
    x.nodeEnteredAt !== y.nodeEnteredAt ||
    x.exitReason !== y.exitReason ||
    lapsOf(x) !== lapsOf(y)
  )
    return false;
  if (a.effects.length !== b.effects.length) return false;
  for (let i = 0; i < a.effects.length; i++) if (!sameFields(a.effects[i] as object, b.effects[i] as object)) return false;
  return true;
}

/** A run's loop passes as the store writes them: JSON, or null for the runs (nearly all) that passed no limited node. */
const lapsOf = (run: Run): string | null => (run.laps ? JSON.stringify(run.laps) : null);

/** Two effects with the same keys and the same values (all of an effect's fields are scalars). */
function sameFields(x: object, y: object): boolean {
  const xs = x as Record<string, unknown>;
  const ys = y as Record<string, unknown>;
  let keys = 0;
  for (const k in xs) {
    if (xs[k] !== ys[k]) return false;
    keys++;
  }
  for (const _ in ys) keys--;
  return keys === 0;
}

/** A node id or port as a JSON string, memoised: the path of every run that moves spells them again. */
const quotedCache = new Map<string, string>();
function quoted(s: string): string {
  let q = quotedCache.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (quotedCache.size < 10_000) quotedCache.set(s, q);
  }
  return q;
}

/** Whether the node sends a message (the registry says), so a run waiting there may hold one deferred. */
const sendsAt = (v: LoadedVersion, nodeId: string): boolean => {
  const n = v.machine.nodes[nodeId];
  return n !== undefined && kindDef(n.kind).sends !== undefined;
};

/** Why a deferred message is suppressed when its run leaves the journey first: `exited:<the run's exit reason>`. */
export const leftJourneyReason = (exitReason: string | null): string => `exited:${exitReason ?? 'exit'}`;

export interface BatchWriterOptions {
  /**
   * The backtest's copy only: every message queued is delivered at once, as
   * the backtest's providers answer (`outboxSql.deliverForRuns`), counted
   * `sent` and `delivered` with `queued`, and a run that waits for its
   * message's outcome is due at once, as the dispatcher would wake it.
   */
  deliverOnEnqueue?: boolean;
}

/**
 * Prepares the statements once and returns the writer of one batch's
 * outcome in ONE transaction: new run states with the nodes each run entered,
 * outbox rows (idempotent by `run:node:visit`, with their first history
 * entry and `queued_at`, which the caps count), trait writes and
 * pre-aggregated metric counters. Either all of it lands or none.
 */
export function createBatchWriter(db: Db, { deliverOnEnqueue = false }: BatchWriterOptions = {}): (batch: readonly Stepped[], now: number) => BatchCounts {
  const c = db.$client;
  // Runs are written by group, one statement per set of runs that took the same step (same node,
  // visit, wake time, path suffix…) with their ids as a JSON array: a wave of runs mostly shares a
  // handful of outcomes, and one statement over 2,000 ids costs about half what 2,000 statements do.
  // The run store owns the statement (and the gauges); this writer only groups
  const runs = runStore(db);
  // one message per run id, in the array's order; a deferred message becomes queued (or deferred again, or
  // suppressed) under the same key; any other existing row stays as it is, so `changes` counts what moved.
  // The outbox owns message status: the statements are its own (outboxSql), prepared here
  const upsertMessages = c.prepare(outboxSql.enqueueForRuns);
  const deliver = deliverOnEnqueue ? { quietly: c.prepare(outboxSql.deliverForRuns), returning: c.prepare(outboxSql.deliverForRunsReturning).pluck() } : null;
  // a run that leaves the journey while its message waits (deferred) takes the message with it
  const dropDeferred = c.prepare(outboxSql.suppressDeferredOfRun);
  const setTrait = c.prepare(`update contacts set traits = json_set(traits, ?, json(?)), updated_at = ? where id = ?`);
  const bumpMetric = c.prepare(addToMetric);

  const inTransaction = c.transaction((batch: readonly Stepped[], now: number, counts: BatchCounts) => {
    const day = utcDay(now);
    // counters and "waiting now" gauges add up in memory and are written once each, not per row
    const tally = new Groups<{ v: LoadedVersion; nodeId: string; metric: string; label: string; n: number }>();
    const count = (v: LoadedVersion, nodeId: string, metric: string, label = '', n = 1) => {
      tally.get([v, nodeId, metric, label], () => ({ v, nodeId, metric, label, n: 0 })).n += n;
    };
    const gauges = new Groups<{ versionId: number; nodeId: string; n: number }>();
    const gauge = (versionId: number, nodeId: string, d: number) => {
      gauges.get([versionId, nodeId], () => ({ versionId, nodeId, n: 0 })).n += d;
    };
    const queuedHistory = `[${historyEntry('queued', now)}]`;
    const deliveredHistory = deliver === null ? '' : `[${['queued', 'sending', 'sent', 'delivered'].map((status) => historyEntry(status, now)).join(',')}]`;
    const messageGroups = new Groups<MessageGroup>();
    // `nth`: the message's place among its step's messages, so that each run's messages get ids in the step's order
    const message = (nth: number, v: LoadedVersion, e: Extract<Effect, { type: 'send' | 'withheld' }>, status: string, reason: string | null, history: string, at: number[]) => {
      const g = messageGroups.get([nth, v, e.nodeId, e.visit, e.channel, e.template, e.category, status, reason, history], () => ({
        nth,
        v,
        nodeId: e.nodeId,
        visit: e.visit,
        channel: e.channel,
        template: e.template,
        category: e.category,
        status,
        reason,
        history,
        at: [],
      }));
      for (const i of at) g.at.push(i);
    };
    // traits in batch order, run by run: two journeys setting one trait of one contact leave the value of the later step
    for (const { before, effects } of batch)
      for (const e of effects) if (e.type === 'setTrait') setTrait.run(`$."${e.trait.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`, JSON.stringify(e.value), now, before.contact_id);
    const runGroups = new Groups<RunGroup>();
    const leaving: { v: LoadedVersion; runId: number; nodeId: string; reason: string }[] = [];
    for (const { rep, at } of outcomesOf(batch)) {
      const { before, run, effects, version: v } = rep;
      const runIds = at.map((i) => (batch[i] as Stepped).before.id);
      const n = at.length;
      if (before.status !== 'exited') gauge(before.version_id, before.node_id, -n);
      if (run.status !== 'exited') gauge(before.version_id, run.nodeId, n);
      let path = '';
      let via: string | null = null;
      let nth = 0;
      for (const e of effects) {
        switch (e.type) {
          case 'send':
            message(nth++, v, e, 'queued', null, queuedHistory, at);
            break;
          case 'withheld':
            message(nth++, v, e, e.decision, e.reason, `[${historyEntry(e.decision, now, { reason: e.reason, until: e.until })}]`, at);
            break;
          case 'setTrait':
            break; // written above, in batch order
          case 'exit':
            count(v, e.nodeId, 'exited', e.reason, n);
            counts.exited += n;
            break;
          case 'metric':
            if (e.metric === 'edge') via = e.port ?? null;
            if (e.metric === 'entered') {
              path += `,[${quoted(e.nodeId)},${e.visit ?? run.visit},${now},${via === null ? 'null' : quoted(via)}]`;
              via = null;
            }
            count(v, e.nodeId, e.metric, e.port ?? e.reason ?? '', n);
            break;
          case 'wakeAt':
          case 'waitFor':
            break; // already in the run row
        }
      }
      // only a run waiting at a send node can have a deferred message: no extra statement for anyone else
      if (run.status === 'exited' && before.status !== 'exited' && sendsAt(v, before.node_id))
        for (const runId of runIds) leaving.push({ v, runId, nodeId: before.node_id, reason: leftJourneyReason(run.exitReason) });
      // a step's move is one the run status table allows: checked once per outcome, not per run (a run
      // that stays where it is, its status unchanged, is no move)
      if (run.status !== before.status) assertStepMove(before.status, run.status, runIds);
      const exitedAt = run.status === 'exited' ? now : null;
      const laps = lapsOf(run);
      const g = runGroups.get([path, run.nodeId, run.status, run.visit, run.wakeAt, run.waitingFor, run.nodeEnteredAt, run.exitReason, exitedAt, laps], () => ({ run, exitedAt, path, laps, ids: [] }));
      for (const id of runIds) g.ids.push(id);
    }
    /** messages delivered at once (`deliverOnEnqueue`) whose run waits for their outcome */
    const awaited: number[] = [];
    for (const g of messageGroups.list.sort((a, b) => a.nth - b.nth)) {
      const { v } = g;
      if (deliver !== null && g.status === 'queued') {
        const runIds = JSON.stringify(g.at.sort((a, b) => a - b).map((i) => (batch[i] as Stepped).before.id));
        const params = [v.journeyId, v.version, g.nodeId, g.visit, g.channel, g.template, g.category, now, deliveredHistory, now, now, runIds];
        let changed: number;
        if (g.at.some((i) => (batch[i] as Stepped).run.waitingFor === awaitingMessage)) {
          const ids = deliver.returning.all(...params) as number[];
          for (const id of ids) awaited.push(id);
          changed = ids.length;
        } else changed = deliver.quietly.run(...params).changes;
        if (changed === 0) continue;
        for (const metric of ['queued', 'sent', 'delivered']) count(v, g.nodeId, metric, '', changed);
        counts.queued += changed;
        continue;
      }
      const changed = upsertMessages.run(
        v.journeyId,
        v.version,
        g.nodeId,
        g.visit,
        g.channel,
        g.template,
        g.category,
        g.status,
        g.reason,
        g.status === 'queued' ? now : null,
        g.status === 'queued' ? now : null,
        g.history,
        now,
        now,
        JSON.stringify(g.at.sort((a, b) => a - b).map((i) => (batch[i] as Stepped).before.id)),
      ).changes;
      // a key already queued or sent is left alone (never twice), and is not counted
      if (changed === 0) continue;
      if (g.status === 'queued') {
        count(v, g.nodeId, 'queued', '', changed);
        counts.queued += changed;
      } else {
        count(v, g.nodeId, g.status, g.reason ?? '', changed);
        counts.withheld += changed;
      }
    }
    // after the messages: a message the step itself settled is no longer deferred
    for (const l of leaving) {
      const dropped = dropDeferred.run(l.reason, historyEntry('suppressed', now, { reason: l.reason }), now, l.runId, l.nodeId).changes;
      if (dropped > 0) count(l.v, l.nodeId, 'suppressed', l.reason, dropped);
    }
    for (const { run, exitedAt, path, laps, ids } of runGroups.list) runs.moveGroup(run, exitedAt, path, laps, JSON.stringify(ids));
    // after the runs are written: the outcome of a message delivered at once makes its run due now
    if (awaited.length > 0) runs.wakeAwaiting(JSON.stringify(awaited), now);
    for (const t of tally.list) bumpMetric.run(t.v.journeyId, t.v.version, t.nodeId, t.metric, t.label, day, t.n);
    for (const g of gauges.list) if (g.n !== 0) runs.addToGauge(g.versionId, g.nodeId, g.n);
  });
  return (batch, now) => {
    const counts: BatchCounts = { stepped: batch.length, queued: 0, withheld: 0, exited: 0 };
    inTransaction(batch, now, counts);
    return counts;
  };
}
