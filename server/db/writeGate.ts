import type Database from 'better-sqlite3';

/**
 * Who goes first when two connections write one SQLite file: the API thread.
 * SQLite's busy handler sleeps and retries, on the thread that asked, and the
 * engine thread commits batch after batch, so an ingest or a publish could wait
 * seconds for a gap, with the API's event loop stopped the whole time. Instead
 * the API announces each write transaction in a shared counter, and the engine
 * looks at it before each of its own and waits (up to `maxWaitMs`) while it is
 * non-zero: the API waits at most for the one engine batch already under way.
 */
export interface WriteGate {
  /** shared between the threads (a worker receives the same memory) */
  buffer: SharedArrayBuffer;
}

export type GateRole = 'api' | 'engine';

export const createWriteGate = (): WriteGate => ({ buffer: new SharedArrayBuffer(4) });

const gates = new WeakMap<Database.Database, { role: GateRole; cell: Int32Array; maxWaitMs: number }>();

/** From now on, `sqlite`'s top-level transactions pass through the gate in this role. */
export function attachWriteGate(sqlite: Database.Database, gate: WriteGate, role: GateRole, maxWaitMs = 250): void {
  gates.set(sqlite, { role, cell: new Int32Array(gate.buffer), maxWaitMs });
}

/**
 * Run `begin`…`end` of one top-level write transaction through the gate: the API
 * side counts itself in and out; the engine side first lets announced API writes go.
 */
export function throughGate<T>(sqlite: Database.Database, run: () => T): T {
  const g = gates.get(sqlite);
  if (!g || sqlite.inTransaction) return run();
  if (g.role === 'engine') {
    const until = Date.now() + g.maxWaitMs;
    for (let waiting = Atomics.load(g.cell, 0); waiting > 0 && Date.now() < until; waiting = Atomics.load(g.cell, 0)) Atomics.wait(g.cell, 0, waiting, 5);
    return run();
  }
  Atomics.add(g.cell, 0, 1);
  try {
    return run();
  } finally {
    Atomics.sub(g.cell, 0, 1);
    Atomics.notify(g.cell, 0);
  }
}

/** The API side around a transaction it opens by hand (BEGIN … COMMIT across awaits): enter, then leave once it ends. */
export function enterGate(sqlite: Database.Database): () => void {
  const g = gates.get(sqlite);
  if (!g || g.role !== 'api') return () => {};
  Atomics.add(g.cell, 0, 1);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    Atomics.sub(g.cell, 0, 1);
    Atomics.notify(g.cell, 0);
  };
}
