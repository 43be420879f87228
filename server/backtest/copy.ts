import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { openDatabase, type Db } from '../db/client';
import { journeys, journeyVersions } from '../db/schema';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { JourneyGraph } from '../../shared/journey/graph';
import { DAY } from '../../shared/util/time';
import { ContactPolicy } from '../../shared/policy/policy';
import type { SleepingRule } from '../../shared/policy/guardrails';
import { candidateIds, entryRules, relevantEvents } from './candidates';

/** A recorded event to replay, as read from the live database: [contact, name, type, properties JSON, context JSON, at, messageId]. */
export type RecordedEvent = [contactId: number, name: string, type: 'track' | 'page' | 'screen' | 'system', properties: string, context: string | null, at: number, messageId: string | null];

export interface BaseCopy {
  /** the copy's file: config, the candidates and their events before the window; no journey, no runs */
  path: string;
  contacts: number;
  /** events copied from before the window (what segment rules and branches look back at) */
  history: number;
  /** the candidates' relevant events inside the window, in time order, to replay */
  events: RecordedEvent[];
  /**
   * The names the engine reads back from the copy's events table (branch look-backs, the segment's rules,
   * the rejection cooldown: those copied from before the window); the others replayed (goals, funnel steps,
   * awaited and exit events) are routed as they are recorded and never read again.
   */
  readNames: string[];
}

/** Tables copied whole: what the engine reads besides contacts and events (policy, time zone, seed, templates, segments). */
const configTables = ['workspace', 'templates', 'template_versions', 'segments'] as const;

/**
 * Secondary indexes the replay never reads, dropped in the copy so that a
 * million contacts and their events copy, and the replay appends events, in
 * a fraction of the time: `contacts` by external id, phone and name
 * (ingestion and search find contacts by them; registration order stays
 * indexed: enrolment walks it), events by name and time (the engine's reads
 * all go by contact), messages by node (the outbox pages list by it; the
 * engine finds a message by its key or in the queue). And the conversions'
 * two: the copy's conversions stay empty (the backtest's router counts
 * credits and keeps the once-per-contact-node-goal rule itself, route.ts).
 */
const unreadIndexes = ['contacts_external_id', 'contacts_anonymous_id', 'contacts_phone', 'contacts_name', 'events_name_at', 'messages_node', 'conversions_journey', 'conversions_once'];

/** No file at `path`, nor a WAL or shared-memory file beside it (a copy left by an earlier run in the same directory). */
function clear(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
}

const quoted = (cols: readonly string[]) => cols.map((c) => `"${c}"`).join(', ');

/**
 * What a backtest copies, read once from the live file (read only): the
 * contacts who could have entered any of `machines` in the window
 * (`candidateIds`), ascending, and the event names the replay reads, each
 * with the earliest time read before the window (`relevantEvents`, and the
 * rejection cooldown's event, which the contact policy reads). Only data: a
 * plan crosses to a replay thread as it is.
 */
export interface CopyPlan {
  ids: number[];
  /** names of the events recorded inside the window that are replayed */
  names: string[];
  /** [name, earliest time] of the events copied from before the window */
  since: [string, number][];
  /** the workspace's sleeping rule, as the copy's engine will read it */
  sleeping: SleepingRule;
  /** the configuration tables' rows (`configTables`), read with the rest: every share's copy holds the same */
  config: { table: string; columns: string[]; rows: unknown[][] }[];
  /** the last event recorded when the plan was read: later ones (arriving while the copies are made) are left out of every share */
  lastEventId: number;
}

export function planCopy(source: string, machines: readonly CompiledJourney[], from: number, to: number): CopyPlan {
  const src = new Database(source, { readonly: true, fileMustExist: true });
  src.pragma('busy_timeout = 5000');
  // the segment's look-backs probe the events index contact by contact: a cache that keeps what they read
  src.pragma(`cache_size = ${-copyCacheKiB}`);
  const srcDb = drizzle(src);
  const names = new Set<string>();
  /** name → the earliest time read before the window */
  const since = new Map<string, number>();
  // one read snapshot for the whole plan (WAL: it blocks no writer)
  src.exec('begin');
  try {
    const rulesOf = new Map(
      src
        .prepare<[], { key: string; rules: string }>('select key, rules from segments')
        .all()
        .map((r) => [r.key, JSON.parse(r.rules) as unknown]),
    );
    const found = new Set<number>();
    for (const m of machines) {
      const rules = entryRules(m, (k) => rulesOf.get(k));
      for (const id of candidateIds(srcDb, m, rules, from, to)) found.add(id);
      const r = relevantEvents(m, rules);
      for (const n of r.names) names.add(n);
      for (const [n, days] of r.before) since.set(n, Math.min(since.get(n) ?? from, from - days * DAY));
    }
    // the contact policy reads one event of its own: the rejection cooldown's, from `days` back, before and inside the window
    const { rejectionCooldown, sleeping } = guardrailsOf(src);
    if (rejectionCooldown.enabled) {
      names.add(rejectionCooldown.event);
      since.set(rejectionCooldown.event, Math.min(since.get(rejectionCooldown.event) ?? from, from - rejectionCooldown.days * DAY));
    }
    const config = configTables.map((table) => {
      const read = src.prepare(`select * from ${table}`).raw(true);
      return { table, columns: read.columns().map((col) => col.name), rows: read.all() as unknown[][] };
    });
    const lastEventId = src.prepare<[], number>('select coalesce(max(id), 0) from events').pluck().get() ?? 0;
    return { ids: [...found].sort((a, b) => a - b), names: [...names], since: [...since], sleeping, config, lastEventId };
  } finally {
    src.exec('commit');
    src.close();
  }
}

/** The workspace's guardrails as the copy's engine will read them. */
function guardrailsOf(src: Database.Database) {
  const policy = src.prepare<[], { policy: string }>('select policy from workspace where id = 1').get();
  return ContactPolicy.parse(policy ? JSON.parse(policy.policy) : {}).guardrails;
}

/**
 * What a backtest can tell before its plan, from the live file (read only):
 * how many contacts there are (the candidates are some of them) and the
 * sleeping rule, which is what `replayThreads` decides by.
 */
export function sourceSize(source: string): { candidates: number; sleeping: SleepingRule } {
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    return { candidates: src.prepare<[], number>('select count(*) from contacts').pluck().get() ?? 0, sleeping: guardrailsOf(src).sleeping };
  } finally {
    src.close();
  }
}

/**
 * A plan's share for one of `count` replay threads: every `count`th candidate
 * (by id, so each share spans the registration order alike). Contacts never
 * meet in a replay of one journey (caps, quiet hours, exclusion, the random
 * draws are all per contact), so the shares' figures add up to the whole's.
 */
export function shareOf(plan: CopyPlan, index: number, count: number): CopyPlan {
  return count === 1 ? plan : { ...plan, ids: plan.ids.filter((id) => id % count === index) };
}

/**
 * The isolated copy a backtest runs on: a new SQLite file under `dir`, made
 * by the same migrations as the live one, holding only what the replay needs:
 * the configuration as the plan read it (the workspace's policy, time zone
 * and seed, templates, segments: every share of a backtest replays the same),
 * and, copied with INSERT…SELECT from the live file ATTACHed to the copy's
 * connection (reads only; in WAL mode they block no writer), the plan's
 * contacts as they are now and their events up to the plan's last one: those
 * of the names read before the window, each from its own look-back up to the
 * window's start; those inside the window are returned, in time order, for
 * the replay to record one by one at their own time. Everything the replay
 * writes lands in the copy; the live file is never written.
 */
export function buildBaseCopy(source: string, dir: string, plan: CopyPlan, from: number, to: number, threads = 1): BaseCopy {
  const path = join(dir, 'base.db');
  const { ids, names, since, lastEventId } = plan;
  const cacheKiB = Math.round(copyCacheKiB / threads);
  clear(path);
  const db = openDatabase(path);
  const c = db.$client;
  try {
    // a throwaway file: no fsync, no journal to keep
    c.pragma('synchronous = OFF');
    for (const ix of unreadIndexes) c.exec(`drop index if exists ${ix}`);
    c.prepare('attach database ? as src').run(source);
    // caches for the copy's working set: an attached file gets SQLite's default (2 MB), and the candidates'
    // events are probed all over the live file's events index and table, each miss a read of the file
    c.pragma(`src.cache_size = ${-cacheKiB}`);
    c.pragma(`main.cache_size = ${-cacheKiB}`);
    const columns = (table: string) =>
      c
        .prepare<[], { name: string }>(`select name from pragma_table_info('${table}', 'main')`)
        .all()
        .map((r) => r.name);
    // one read snapshot of the live file for contacts and events, and one write transaction on the copy. DEFERRED on
    // purpose (not the connection's usual IMMEDIATE): IMMEDIATE would take the write lock of every attached
    // file, the live one included, for the whole copy
    const copyAll = () => {
      for (const { table, columns: cols, rows } of plan.config) {
        c.exec(`delete from main.${table}`);
        const insert = c.prepare(`insert into main.${table} (${quoted(cols)}) values (${cols.map(() => '?').join(', ')})`);
        for (const row of rows) insert.run(row);
      }
      c.exec('create temp table candidates (id integer primary key)');
      const add = c.prepare('insert into temp.candidates (id) select value from json_each(?)');
      for (let i = 0; i < ids.length; i += 50_000) add.run(JSON.stringify(ids.slice(i, i + 50_000)));
      const contactCols = columns('contacts');
      c.exec(`insert into main.contacts (${quoted(contactCols)}) select ${contactCols.map((x) => `k."${x}"`).join(', ')} from temp.candidates j join src.contacts k on k.id = j.id`);
      // both event reads go candidate by candidate (CROSS JOIN fixes the order): for each, one seek per name in the
      // live file's (contact, name, at) index, which answers a miss without reading the table. Left to itself SQLite
      // goes name by name through (name, at) and reads every event of the name in range from the table to learn its
      // contact, most of them someone else's (another share's, or no candidate's): at 1M contacts over two threads,
      // 0.7-0.9 s against 0.26 s for the look-back, 2.2 s against 1.5 s for the window
      c.exec('create temp table lookback (name text primary key, since integer not null) without rowid');
      c.prepare('insert into temp.lookback (name, since) select value ->> 0, value ->> 1 from json_each(?)').run(JSON.stringify(since));
      c.exec('create temp table replayed (name text primary key) without rowid');
      c.prepare('insert into temp.replayed (name) select value from json_each(?)').run(JSON.stringify(names));
      const eventCols = columns('events');
      const history = c
        .prepare(
          `insert into main.events (${quoted(eventCols)}) select ${eventCols.map((x) => `e."${x}"`).join(', ')}
           from temp.candidates j cross join temp.lookback n cross join src.events e
           on e.contact_id = j.id and e.name = n.name and e.at >= n.since and e.at < ? and e.id <= ?`,
        )
        .run(from, lastEventId).changes;
      const events = c
        .prepare<[number, number, number], RecordedEvent>(
          `select e.contact_id, e.name, e.type, e.properties, e.context, e.at, e.message_id
           from temp.candidates j cross join temp.replayed n cross join src.events e
           on e.contact_id = j.id and e.name = n.name and e.at >= ? and e.at <= ? and e.id <= ?
           order by e.at, e.id`,
        )
        .raw(true)
        .all(from, to, lastEventId);
      return { history, events };
    };
    c.exec('begin deferred');
    let copied: ReturnType<typeof copyAll>;
    try {
      copied = copyAll();
      c.exec('commit');
    } catch (e) {
      c.exec('rollback');
      throw e;
    }
    const { history, events } = copied;
    c.exec('detach database src');
    c.pragma('wal_checkpoint(TRUNCATE)');
    return { path, contacts: ids.length, history, events, readNames: since.map(([name]) => name) };
  } finally {
    c.close();
  }
}

/**
 * A replay's copy is private to one thread and thrown away after: no WAL (each
 * commit would write its pages twice, to the log and at the checkpoint), a
 * rollback journal kept in memory (the savepoints' journals already are, as
 * on every connection: a replay's batches nest in one transaction per
 * moment, replay.ts), no file locks taken per transaction, no fsync, and a
 * page cache that holds the whole working set (runs, messages, the events
 * index), so an event's probes read memory rather than the file.
 */
function throwaway(db: Db, threads: number): void {
  const c = db.$client;
  c.pragma('journal_mode = MEMORY');
  c.pragma('locking_mode = EXCLUSIVE');
  c.pragma('synchronous = OFF');
  c.pragma(`cache_size = ${-Math.min(replayCacheKiB, Math.round(replayBudgetKiB / threads))}`);
}

/** The copy's page caches, of the live file and of the copy: 1 GiB each at most (taken as needed), shared by a backtest's threads. */
const copyCacheKiB = 1024 * 1024;

/**
 * The replay's page cache: 2 GiB at most (SQLite takes pages as it needs
 * them; a small copy uses little), the threads of one backtest sharing 4 GiB.
 */
const replayCacheKiB = 2 * 1024 * 1024;
const replayBudgetKiB = 4 * 1024 * 1024;

/** One version to replay on its own copy of the base: the draft (compiled), or a published version. */
export interface ReplayedVersion {
  journeyId: string;
  name: string;
  version: number;
  graph: JourneyGraph;
  machine: CompiledJourney;
}

/**
 * A fresh copy of the base with `v` published in it, live from `from`: the
 * journey's one version, so nothing else in the copy competes with it for
 * caps or exclusion groups. Opened like the live file (same migrations, same
 * pragmas), but without fsync.
 */
export function openVersionCopy(base: BaseCopy, dir: string, v: ReplayedVersion, from: number, threads = 1): Db {
  const path = join(dir, `v${v.version}.db`);
  clear(path);
  copyFileSync(base.path, path);
  const db = openDatabase(path);
  throwaway(db, threads);
  db.transaction((tx) => {
    tx.insert(journeys).values({ id: v.journeyId, name: v.name, status: 'live', draft: v.graph, createdAt: from, updatedAt: from, updatedBy: 'backtest' }).run();
    tx.insert(journeyVersions).values({ journeyId: v.journeyId, version: v.version, graph: v.graph, machine: v.machine, publishedAt: from, publishedBy: 'backtest' }).run();
  });
  return db;
}
