import type Database from 'better-sqlite3';
import { acquireWrite } from './writeGate';

/**
 * Group commit for the API's small, frequent writes (a tracked event, a
 * batch): each caller awaits its own outcome, and every call that arrives
 * while the write lock is awaited lands in the same transaction, each in a
 * savepoint of its own, so one bad call fails alone and the rest commit. At
 * 500 requests a second that is one lock hand-over and one commit per engine
 * batch instead of one each, and the event loop never waits on the lock.
 *
 * `apply` runs synchronously inside the transaction; a transaction it opens
 * itself (better-sqlite3's `db.transaction`) becomes a savepoint there.
 *
 * Under load (the previous commit began less than `busyMs` ago) a group also
 * gathers for `windowMs` before it takes the lock: a commit writes every page
 * its calls touched, and events of random contacts touch a page of the
 * contact index each, so four batches of 500 in one commit write far fewer
 * pages than four commits. An idle server commits at once.
 */
export function createGroupCommit<I, O>(sqlite: Database.Database, apply: (input: I) => O, { windowMs = 0, busyMs = 20 }: { windowMs?: number; busyMs?: number } = {}): (input: I) => Promise<O> {
  type Waiter = { input: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let pending: Waiter[] = [];
  let flushing = false;
  let lastFlushAt = Number.NEGATIVE_INFINITY;

  async function flush(): Promise<void> {
    if (windowMs > 0 && performance.now() - lastFlushAt < busyMs) await new Promise((r) => setTimeout(r, windowMs));
    const release = await acquireWrite(sqlite);
    lastFlushAt = performance.now();
    // everyone who came while the lock was awaited goes in this transaction; later arrivals start the next one
    const group = pending;
    pending = [];
    flushing = false;
    const outcomes: ({ ok: true; value: O } | { ok: false; error: unknown })[] = [];
    try {
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        for (const w of group) {
          sqlite.exec('SAVEPOINT call');
          try {
            outcomes.push({ ok: true, value: apply(w.input) });
            sqlite.exec('RELEASE call');
          } catch (error) {
            sqlite.exec('ROLLBACK TO call');
            sqlite.exec('RELEASE call');
            outcomes.push({ ok: false, error });
          }
        }
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
