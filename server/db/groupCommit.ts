import type Database from 'better-sqlite3';
import { acquireWrite, engineTakes } from './writeGate';

export interface GroupCommitOptions {
  /**
   * the least a group gathers under load, with the engine on its own thread
   * and writing too (0: never waits, only takes what came together)
   */
  windowMs?: number;
  /** under load: the previous commit ended less than this ago */
  busyMs?: number;
  /** under load, a group also gathers for this share of the time the previous one took to apply and commit … */
  windowShare?: number;
  /** … up to this long (never less than `windowMs`) */
  maxWindowMs?: number;
}

/**
 * Apply a whole group at once, one output per input in their order (it must
 * give what applying them one after the other would). Statements over more
 * rows at a time cost less a row; should it throw, the group is applied one
 * by one instead, each in its own savepoint, so the bad input fails alone.
 */
export type ApplyAll<I, O> = (inputs: readonly I[]) => O[];

/**
 * Group commit for the API's small, frequent writes (a tracked event, a
 * batch): each caller awaits its own outcome, and every call that arrives
 * while the write lock is awaited lands in the same transaction, each in a
 * savepoint of its own, so one bad call fails alone and the rest commit. At
 * 500 requests a second that is one lock hand-over and one commit per engine
 * batch instead of one each, and the event loop never waits on the lock.
 *
 * `apply` runs synchronously inside the transaction; a transaction it opens
 * itself (better-sqlite3's `db.transaction`) becomes a savepoint there. Given
 * `applyAll`, a group of several goes through it instead, in one savepoint.
 *
 * A group starts once the event loop has run the callbacks of what it has
 * already received (setImmediate), so requests read in one turn commit
 * together even on an idle server. Under load (the previous commit ended less
 * than `busyMs` ago) it also gathers for `windowMs`, or for `windowShare` of
 * the previous group's time when that is longer (at most `maxWindowMs`): a
 * commit writes every page its calls touched, and events of random contacts
 * touch a page of the contact index each, so four batches of 500 in one
 * commit write far fewer pages than four commits. After a group of big
 * batches the clients it answered are back with their next ones within a
 * few milliseconds, and a window of 2 ms split them into groups of one or
 * two; a share of the group's own time keeps the wait small next to the work
 * (a single tracked event's window stays `windowMs`).
 *
 * With the engine on a thread of its own (a write gate on `sqlite`), each
 * group is also a hand-over of the write lock that the engine waits through,
 * so `windowMs` is what keeps hand-overs few. It applies only when the engine
 * has taken the lock since the previous group began: with the engine idle,
 * or in this thread (no gate), nothing waits through a hand-over, and a single
 * call commits without the wait.
 */
export function createGroupCommit<I, O>(
  sqlite: Database.Database,
  apply: (input: I) => O,
  { windowMs = 0, busyMs = 20, windowShare = 0, maxWindowMs = 10 }: GroupCommitOptions = {},
  applyAll?: ApplyAll<I, O>,
): (input: I) => Promise<O> {
  type Waiter = { input: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let pending: Waiter[] = [];
  let flushing = false;
  let lastEndedAt = Number.NEGATIVE_INFINITY;
  let lastTookMs = 0;
  let engineTookBefore = engineTakes(sqlite);

  const gather = (): Promise<unknown> => {
    const busy = performance.now() - lastEndedAt < busyMs;
    // without a gate (null) the engine, if any, runs on this thread: no hand-over to spare it
    const takes = engineTakes(sqlite);
    const handOver = takes !== null && takes !== engineTookBefore;
    engineTookBefore = takes;
    const ms = busy ? Math.max(handOver ? windowMs : 0, Math.min(maxWindowMs, lastTookMs * windowShare)) : 0;
    return new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));
  };

  type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
  function inSavepoint<T>(f: () => T): Outcome<T> {
    sqlite.exec('SAVEPOINT call');
    try {
      const value = f();
      sqlite.exec('RELEASE call');
      return { ok: true, value };
    } catch (error) {
      sqlite.exec('ROLLBACK TO call');
      sqlite.exec('RELEASE call');
      return { ok: false, error };
    }
  }
  /** The group through `applyAll`, or undefined (nothing of it written) when that threw. */
  function allAtOnce(group: readonly Waiter[], all: ApplyAll<I, O>): Outcome<O>[] | undefined {
    const o = inSavepoint(() => all(group.map((w) => w.input)));
    return o.ok ? o.value.map((value) => ({ ok: true, value })) : undefined;
  }

  async function flush(): Promise<void> {
    await gather();
    const release = await acquireWrite(sqlite);
    // everyone who came while the lock was awaited goes in this transaction; later arrivals start the next one
    const group = pending;
    pending = [];
    flushing = false;
    const startedAt = performance.now();
    let outcomes: Outcome<O>[] = [];
    try {
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        outcomes = (applyAll && group.length > 1 && allAtOnce(group, applyAll)) || group.map((w) => inSavepoint(() => apply(w.input)));
        sqlite.exec('COMMIT');
      } catch (e) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw e;
      }
    } catch (e) {
      // the commit itself failed (disk full, I/O): nothing of the group was written, and each caller hears so
      release();
      for (const w of group) w.reject(e);
      return;
    } finally {
      lastEndedAt = performance.now();
      lastTookMs = lastEndedAt - startedAt;
    }
    release();
    group.forEach((w, i) => {
      const o = outcomes[i];
      if (o?.ok) w.resolve(o.value);
      else w.reject(o?.error);
    });
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ input, resolve, reject });
      if (flushing) return;
      flushing = true;
      flush().catch((e: unknown) => {
        // acquireWrite does not throw; should anything else, no caller is left waiting
        const group = pending;
        pending = [];
        flushing = false;
        for (const w of group) w.reject(e);
      });
    });
}
