import type Database from 'better-sqlite3';

/**
 * Who writes the SQLite file when, with two writing threads (the API's and the
 * engine's). SQLite's own lock is no good to the API: its busy handler sleeps
 * and retries on the thread that asked, and the engine commits batch after
 * batch, so every ingest or publish stopped the API's event loop for up to a
 * batch (at 1M contacts, 4,365 of 30,000 requests went unanswered in 30 s).
 *
 * So the two threads take a lock of their own, in shared memory, before each
 * write transaction, and SQLite's lock is then always free when they ask:
 * - the engine takes it synchronously (its thread has nothing else to do), and
 *   first lets any API writer that is waiting go, up to `maxWaitMs`;
 * - the API takes it asynchronously (`acquireWrite`): while the engine holds it
 *   the event loop goes on serving reads, and the write runs once it is free.
 *   A write that must stay synchronous (a nested helper, a test) waits on the
 *   spot, as before, for at most the one engine transaction under way.
 */
export interface WriteGate {
  /** shared between the threads (a worker receives the same memory) */
  buffer: SharedArrayBuffer;
}

export type GateRole = 'api' | 'engine';

/** cells of the shared Int32Array */
const HOLDER = 0;
const WAITING = 1;
/** how many of the API's write transactions wrote runs or journeys (`runsEpoch`) */
const RUNS_EPOCH = 2;
/** how many times the engine has taken the lock (`engineTakes`) */
const ENGINE_TAKES = 3;
const FREE = 0;
const holderOf: Record<GateRole, number> = { engine: 1, api: 2 };

/**
 * Atomics.waitAsync, which Node 20 has; TypeScript declares it only in lib
 * es2024, which would also admit APIs Node 20 lacks (Object.groupBy).
 */
type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (a: Int32Array, index: number, value: number, timeoutMs: number) => (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(a, index, value, timeoutMs);

export const createWriteGate = (): WriteGate => ({ buffer: new SharedArrayBuffer(16) });

interface Attached {
  role: GateRole;
  cells: Int32Array;
  maxWaitMs: number;
  /** this thread holds the lock (a transaction inside one already taken is not a second take) */
  held: boolean;
  /** when this thread asked for the lock, and when it got it (performance.now() ms) */
  askedAt: number;
  takenAt: number;
  /** the transaction under way wrote runs or journeys (`runsEpoch`) */
  wroteRuns: boolean;
}

/**
 * What one take of the lock cost, in ms: `waitMs` from asking to holding it
 * (the other thread's transaction, or waiting API writers let go first),
 * `holdMs` from holding it to giving it back (this thread's transaction).
 * An API write waits for at most one engine transaction: the engine's
 * holds are what the API's write latency is made of under load.
 */
export type WriteLockObserver = (role: GateRole, waitMs: number, holdMs: number) => void;

let observer: WriteLockObserver | null = null;

/** Report every take of the lock on this thread to `observe` (the metrics: obs/metrics.ts); null stops. */
export function observeWriteLock(observe: WriteLockObserver | null): void {
  observer = observe;
}

const gates = new WeakMap<Database.Database, Attached>();

/** From now on, `sqlite`'s top-level transactions and bare writes (`gateBareWrites`) pass through the gate in this role. */
export function attachWriteGate(sqlite: Database.Database, gate: WriteGate, role: GateRole, maxWaitMs = 250): void {
  gates.set(sqlite, { role, cells: new Int32Array(gate.buffer), maxWaitMs, held: false, askedAt: 0, takenAt: 0, wroteRuns: false });
}

/**
 * A statement prepared on `sqlite` that writes, run on its own (autocommit),
 * takes the gate when one is attached (openDatabase sets this up for every
 * connection, so statements prepared before the gate are covered). Without it
 * the statement waits in SQLite's busy handler, which sleeps on this thread
 * and polls, and against an engine committing batch after batch finds the
 * lock free only by luck: the API's 2 s ownership heartbeat, a bare UPDATE,
 * stopped its event loop for up to busy_timeout (5 s; p99 3 s in bench:api).
 * Through the gate it waits for one engine transaction at most.
 */
export function gateBareWrites(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (stmt.readonly) return stmt;
    const movesRuns = writesRunsOrJourneys.test(source);
    for (const method of ['run', 'get', 'all'] as const) {
      const call: (...args: unknown[]) => unknown = stmt[method].bind(stmt);
      (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (movesRuns) wroteRuns(sqlite);
        return sqlite.inTransaction ? call(...args) : throughGate(sqlite, () => call(...args));
      };
    }
    return stmt;
  }) as typeof sqlite.prepare;
}

/** a statement that writes the runs or journeys table (an UPDATE, INSERT, REPLACE or DELETE naming it) */
const writesRunsOrJourneys = /\b(?:update(?:\s+or\s+\w+)?|insert(?:\s+or\s+\w+)?\s+into|replace\s+into|delete\s+from)\s+[`"]?(?:runs|journeys)\b/i;

function wroteRuns(sqlite: Database.Database): void {
  const g = gates.get(sqlite);
  if (g?.role === 'api') g.wroteRuns = true;
}

/**
 * How many of the API thread's write transactions have written runs or
 * journeys (moved a run by an event it routed, merged a contact, paused a
 * journey …), counted as each gives the lock back, before the engine can take
 * it. The engine thread reads it before it claims due runs outside the lock:
 * unchanged once it holds the lock for the batch, nothing it claimed can have
 * changed under it, and it need not read its runs again. Null without a gate
 * (one writing thread: nothing changes between a claim and its write).
 */
export function runsEpoch(sqlite: Database.Database): number | null {
  const g = gates.get(sqlite);
  return g ? Atomics.load(g.cells, RUNS_EPOCH) : null;
}

/**
 * How many times the engine thread has taken the write lock: read twice, it
 * says whether the engine wrote in between (the API's group commit gathers
 * its calls longer only then: db/groupCommit.ts). Null without a gate (one
 * writing thread).
 */
export function engineTakes(sqlite: Database.Database): number | null {
  const g = gates.get(sqlite);
  return g ? Atomics.load(g.cells, ENGINE_TAKES) : null;
}

function release(g: Attached): void {
  g.held = false;
  if (g.wroteRuns) {
    g.wroteRuns = false;
    Atomics.add(g.cells, RUNS_EPOCH, 1);
  }
  observer?.(g.role, g.takenAt - g.askedAt, performance.now() - g.takenAt);
  Atomics.store(g.cells, HOLDER, FREE);
  Atomics.notify(g.cells, HOLDER);
}

/** An API writer stops waiting: the engine, sleeping until no one waits, hears it at once instead of at its next poll. */
function leaveWaiting(g: Attached): void {
  Atomics.sub(g.cells, WAITING, 1);
  Atomics.notify(g.cells, WAITING);
}

/** Take the lock on the spot (the engine first lets waiting API writers go, up to its limit). */
function takeNow(g: Attached): void {
  g.askedAt = performance.now();
  if (g.role === 'engine') {
    const until = Date.now() + g.maxWaitMs;
    for (let w = Atomics.load(g.cells, WAITING); w > 0 && Date.now() < until; w = Atomics.load(g.cells, WAITING)) Atomics.wait(g.cells, WAITING, w, 2);
  } else Atomics.add(g.cells, WAITING, 1);
  try {
    const mine = holderOf[g.role];
    for (let cur = Atomics.compareExchange(g.cells, HOLDER, FREE, mine); cur !== FREE; cur = Atomics.compareExchange(g.cells, HOLDER, FREE, mine)) Atomics.wait(g.cells, HOLDER, cur, 5);
    g.held = true;
    g.takenAt = performance.now();
    if (g.role === 'engine') Atomics.add(g.cells, ENGINE_TAKES, 1);
  } finally {
    if (g.role === 'api') leaveWaiting(g);
  }
}

/**
 * How long (ms) the engine holds the lock before work done in slices makes way
 * for a waiting API writer (`writerWaiting`): the dispatcher's settles and
 * starts, the runner's batch writes.
 */
export const defaultYieldAfterMs = 2;

/**
 * Whether the engine should end the transaction it holds at its next safe
 * point: an API writer waits for the lock, and this thread has held it for
 * `afterMs` at least. Work done in slices (a settle of hundreds of provider
 * answers) then commits what it has done and goes on in a transaction of its
 * own, whose take lets the waiting writer go first: an API write waits about
 * `afterMs` for the engine, not a whole batch. Always false on the API's
 * thread, outside a transaction, and without a gate.
 */
export function writerWaiting(sqlite: Database.Database, afterMs: number): boolean {
  const g = gates.get(sqlite);
  return g !== undefined && g.role === 'engine' && g.held && Atomics.load(g.cells, WAITING) > 0 && performance.now() - g.takenAt >= afterMs;
}

/**
 * Whether a slice of work that began at item `from` ends before item `i`: it
 * does one item at least (work always moves), then ends once `writerWaiting`.
 * The slice's transaction returns where it stopped, and the caller goes on
 * from there in the next (`inSlices`; the dispatcher, whose transactions are
 * the outbox's, loops so itself).
 */
export const sliceEndsAt = (sqlite: Database.Database, i: number, from: number, afterMs: number): boolean => i > from && writerWaiting(sqlite, afterMs);

/**
 * Work over `n` items, `step` at a time, in transactions that make way for a
 * waiting API writer: each does one step at least, then ends once
 * `sliceEndsAt`, and the next takes the lock again, the writer first. `slice`
 * is called at the start of each transaction (what it reads there holds for
 * that transaction) and gives the work of the step from item `i`, which
 * returns false to stop before the end. Without a gate: one transaction.
 */
export function inSlices(sqlite: Database.Database, n: number, step: number, afterMs: number, slice: () => (i: number) => unknown): void {
  let stopped = false;
  const write = sqlite.transaction((from: number): number => {
    const work = slice();
    let i = from;
    for (; i < n && !stopped && !sliceEndsAt(sqlite, i, from, afterMs); i += step) stopped = work(i) === false;
    return i;
  });
  for (let from = 0; from < n && !stopped;) from = write(from);
}

/**
 * The API thread's side of `gate`, for tests that play it against an engine
 * connection: how many API writers wait, and a write of runs or journeys
 * counted as its release counts it (`runsEpoch`).
 */
export function apiSideOf(gate: WriteGate): { waiting: (n: number) => void; wroteRuns: () => void } {
  const cells = new Int32Array(gate.buffer);
  return { waiting: (n) => void Atomics.store(cells, WAITING, n), wroteRuns: () => void Atomics.add(cells, RUNS_EPOCH, 1) };
}

/** The engine thread's side of `gate`, for tests that play it against an API connection: a take of the lock, counted as `engineTakes` counts it. */
export function engineSideOf(gate: WriteGate): { took: () => void } {
  const cells = new Int32Array(gate.buffer);
  return { took: () => void Atomics.add(cells, ENGINE_TAKES, 1) };
}

/**
 * Run one top-level write transaction (`run`) holding the lock, taken on the
 * spot; within a transaction this thread already holds, simply run it.
 */
export function throughGate<T>(sqlite: Database.Database, run: () => T): T {
  const g = gates.get(sqlite);
  if (!g || g.held) return run();
  takeNow(g);
  try {
    return run();
  } finally {
    release(g);
  }
}

/**
 * The API's way in: resolves once this thread holds the write lock, without
 * blocking the event loop meanwhile, to a function that gives it back. Between
 * the two only synchronous work may run (BEGIN … COMMIT with no await that
 * lets another task in), so the engine never waits on an idle lock. Without a
 * gate (one writing thread) it resolves at once.
 */
export async function acquireWrite(sqlite: Database.Database): Promise<() => void> {
  const g = gates.get(sqlite);
  if (!g || g.held) return () => {};
  if (g.role === 'engine') {
    takeNow(g);
    return once(g);
  }
  const askedAt = performance.now();
  Atomics.add(g.cells, WAITING, 1);
  try {
    for (let cur = Atomics.compareExchange(g.cells, HOLDER, FREE, holderOf.api); cur !== FREE; cur = Atomics.compareExchange(g.cells, HOLDER, FREE, holderOf.api)) {
      // the engine holds it, or another of this thread's writers whose turn came first: wait for a change, serving requests meanwhile
      const w = waitAsync(g.cells, HOLDER, cur, 20);
      if (w.async) await w.value;
    }
  } finally {
    leaveWaiting(g);
  }
  g.held = true;
  g.askedAt = askedAt;
  g.takenAt = performance.now();
  return once(g);
}

/**
 * `write` in a transaction of its own, the write lock taken the API's way
 * (`acquireWrite`: the event loop serves requests while the engine thread
 * finishes its batch). For work done a slice at a time between requests.
 */
export async function writeApart<T>(sqlite: Database.Database, write: () => T): Promise<T> {
  const leave = await acquireWrite(sqlite);
  try {
    return sqlite.transaction(write)();
  } finally {
    leave();
  }
}

function once(g: Attached): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release(g);
  };
}

/** Whether a gate is attached to `sqlite` (two writing threads share its file). */
export const hasWriteGate = (sqlite: Database.Database): boolean => gates.has(sqlite);
