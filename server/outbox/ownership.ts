import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import { acquireWrite } from '../db/writeGate';
import { log as processLog } from '../obs/log';

/** This process's engine id when no ownership was taken (tests over a bare database): host:pid:random. */
export const processOwnerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface OwnershipOptions {
  /** wall-clock ms (default Date.now) */
  wallNow?: () => number;
  /** how often the owner row is touched (default 2 s) */
  heartbeatMs?: number;
  /** an owner silent this long may be taken over (default 30 s): the only test for an owner on another host */
  staleMs?: number;
  /** is a process of this machine alive? (default: signal 0) */
  isAlive?: (pid: number) => boolean;
  log?: (line: string) => void;
}

export interface Ownership {
  /** host:pid:random, the id this engine's message leases carry */
  readonly owner: string;
  /** false once another engine took the database over (this one was silent longer than `staleMs`) */
  held: () => boolean;
  /** Give the database up (a clean stop); closing the connection does too. */
  release: () => void;
}

interface OwnerRow {
  owner: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

/** Refused: another engine owns the database. The message names it. */
export class EngineOwnedError extends Error {
  constructor(
    readonly current: OwnerRow,
    path: string,
  ) {
    super(
      `Another server owns this database (${path}): pid ${current.pid} on ${current.host}, running since ${new Date(current.started_at).toISOString()}. ` +
        'Only one engine may own a database file: stop that server first, or start this one with another DATABASE_PATH.',
    );
    this.name = 'EngineOwnedError';
  }
}

// owners taken in this process, by connection: an owner row naming this pid is live only while its connection is open
const taken = new Map<string, Database.Database>();
const byConnection = new WeakMap<Database.Database, Ownership>();

const signal0 = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is someone else's
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The ownership this connection's engine took (startServer takes it), if any. */
export function ownershipOf(db: Db): Ownership | undefined {
  return byConnection.get(db.$client);
}

/**
 * Make this process the one engine of the database, or refuse. An owner row
 * whose heartbeat is fresh and whose process is alive (on this host: its pid
 * answers signal 0; in this process: its connection is open) keeps the
 * database: the connection is closed and `EngineOwnedError` thrown, naming its
 * pid and host. A stale owner is taken over and every lease another engine
 * holds expires now, so start-up recovery re-queues what the dead one had in
 * flight, and nothing else.
 * While held, a heartbeat (unref'd timer) touches the row.
 */
export function acquireEngineOwnership(db: Db, o: OwnershipOptions = {}): Ownership {
  const c = db.$client;
  const wallNow = o.wallNow ?? Date.now;
  const staleMs = o.staleMs ?? 30_000;
  const isAlive = o.isAlive ?? signal0;
  const host = hostname();
  const owner = `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;

  const gone = (r: OwnerRow, now: number): boolean => {
    if (now - r.heartbeat_at > staleMs) return true;
    if (r.host !== host) return false;
    if (r.pid !== process.pid) return !isAlive(r.pid);
    const conn = taken.get(r.owner);
    return !conn?.open;
  };

  const takeOver = c.transaction((now: number): OwnerRow | null => {
    const current = c.prepare<[], OwnerRow>('select owner, host, pid, started_at, heartbeat_at from engine_owner where id = 1').get();
    if (current && !gone(current, now)) return current;
    // the database is ours alone from here: every lease someone else holds is a dead engine's (the old
    // owner's, or a thread of its process with an id of its own), and ends now
    if (current) c.prepare(`update messages set lease_expires_at = ? where status = 'sending' and lease_owner is not ? and lease_expires_at > ?`).run(now, owner, now);
    c.prepare(
      `insert into engine_owner (id, owner, host, pid, started_at, heartbeat_at) values (1, ?, ?, ?, ?, ?)
       on conflict (id) do update set owner = excluded.owner, host = excluded.host, pid = excluded.pid, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
    ).run(owner, host, process.pid, now, now);
    return null;
  });
  // immediate: two servers starting at once serialize here, and the second sees the first
  const refusedBy = takeOver.immediate(wallNow());
  if (refusedBy) {
    c.close();
    throw new EngineOwnedError(refusedBy, c.name);
  }

  let held = true;
  taken.set(owner, c);
  const beat = c.prepare('update engine_owner set heartbeat_at = ? where id = 1 and owner = ?');
  const stop = () => {
    clearInterval(timer);
    taken.delete(owner);
  };
  const heartbeat = async () => {
    // the write lock is awaited, not slept for: the API's event loop serves requests while the engine commits (db/writeGate.ts)
    const leave = await acquireWrite(c);
    try {
      if (!c.open) return stop();
      if (beat.run(wallNow(), owner).changes === 0) {
        held = false;
        stop();
        (o.log ?? ((l: string) => processLog.error({ component: 'ownership' }, l)))(`engine ${owner} lost the database to another server: it stops claiming messages`);
      }
    } catch {
      // busy or closing: the next beat tries again; the owner goes stale only after staleMs of silence
    } finally {
      leave();
    }
  };
  const timer = setInterval(() => {
    if (!c.open) return stop();
    void heartbeat();
  }, o.heartbeatMs ?? 2000);
  timer.unref();

  const ownership: Ownership = {
    owner,
    held: () => held && c.open,
    release() {
      if (!held) return;
      held = false;
      stop();
      if (c.open) c.prepare('delete from engine_owner where id = 1 and owner = ?').run(owner);
    },
  };
  byConnection.set(c, ownership);
  // a clean stop gives the database up as the server closes its connection, so a server on another host
  // need not wait out the heartbeat; startServer's close() stays as it is
  const close = c.close.bind(c);
  c.close = () => {
    ownership.release();
    return close();
  };
  return ownership;
}
