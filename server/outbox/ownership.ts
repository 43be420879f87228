import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
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
  /** an owner on another host silent this long may be taken over (default 30 s): the only test there is for one */
  staleMs?: number;
  /** is this machine's process `pid`, which started at `processStart` (ticks since boot; null: unknown), still alive? (default: `ownerAlive`) */
  isAlive?: (pid: number, processStart: number | null) => boolean;
  log?: (line: string) => void;
}

export interface Ownership {
  /** host:pid:random, the id this engine's message leases carry */
  readonly owner: string;
  /** false once another engine took the database over (this one was silent longer than `staleMs`) */
  held: () => boolean;
  /** Give the database up (a clean stop); closing the connection does too. */
  release: () => void;
  /** Call `listener` once if another engine takes the database over. */
  onLost: (listener: () => void) => void;
}

interface OwnerRow {
  owner: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
  process_start: number | null;
}

/** Refused: another engine owns the database. The message names it. */
export class EngineOwnedError extends Error {
  constructor(
    readonly current: OwnerRow,
    path: string,
    why = 'Only one engine may own a database file',
  ) {
    super(
      `Another server owns this database (${path}): pid ${current.pid} on ${current.host}, running since ${new Date(current.started_at).toISOString()}. ` +
        `${why}: stop that server first, or start this one with another DATABASE_PATH.`,
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

/** When process `pid` of this machine started, in clock ticks since boot, from Linux's /proc; null where there is none. */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name, which may itself hold spaces and brackets: the 22nd field is the start
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isInteger(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/**
 * Whether the owner's process is still alive: its pid answers signal 0 and,
 * where both are known, that process started when the owner's did (ticks
 * since boot, which no clock change moves), so a pid the system gave to a
 * later process is not mistaken for the owner. A live owner keeps the
 * database however stale its heartbeat: a server stopped with Ctrl-Z, or
 * whose machine slept, would send again the moment it woke.
 */
export function ownerAlive(pid: number, processStart: number | null): boolean {
  if (!signal0(pid)) return false;
  const now = processStart === null ? null : processStartTicks(pid);
  return now === null || now === processStart;
}

const defaultStaleMs = 30_000;

/** Whether the engine an owner row names is gone: on this host, whether its process lives decides; on another, only its silence can. */
function ownerGone(r: OwnerRow, now: number, { staleMs = defaultStaleMs, isAlive = ownerAlive }: Pick<OwnershipOptions, 'staleMs' | 'isAlive'> = {}): boolean {
  if (r.host !== hostname()) return now - r.heartbeat_at > staleMs;
  if (r.pid !== process.pid) return !isAlive(r.pid, r.process_start);
  return !taken.get(r.owner)?.open;
}

/**
 * Refuse (EngineOwnedError, the connection closed) when a live engine owns
 * the database: openDatabase asks before it applies migrations, so a newer
 * version started by mistake next to a running server never changes the
 * schema under it. A file without the owner table has no owner.
 */
export function refuseIfOwned(c: Database.Database, why: string, o: Pick<OwnershipOptions, 'staleMs' | 'isAlive' | 'wallNow'> = {}): void {
  if (!c.prepare(`select 1 from sqlite_master where type = 'table' and name = 'engine_owner'`).get()) return;
  const current = liveOwner(c, (o.wallNow ?? Date.now)(), o);
  if (!current) return;
  c.close();
  throw new EngineOwnedError(current, c.name, why);
}

/** The owner row, if the engine it names is still there to keep the database. */
function liveOwner(c: Database.Database, now: number, o: Pick<OwnershipOptions, 'staleMs' | 'isAlive'>): OwnerRow | null {
  // an older file's row (no process_start before migration 0030) as well as this version's
  const row = c.prepare<[], Omit<OwnerRow, 'process_start'> & { process_start?: number | null }>('select * from engine_owner where id = 1').get();
  if (!row) return null;
  const current = { ...row, process_start: row.process_start ?? null };
  return ownerGone(current, now, o) ? null : current;
}

/** The ownership this connection's engine took (startServer takes it), if any. */
export function ownershipOf(db: Db): Ownership | undefined {
  return byConnection.get(db.$client);
}

/**
 * Make this process the one engine of the database, or refuse. An owner that
 * is still there keeps the database (on this host: its process lives, see
 * `ownerAlive`; in this process: its connection is open; on another host: its
 * heartbeat is fresh): the connection is closed and `EngineOwnedError` thrown,
 * naming its pid and host. A gone owner is taken over and every lease another
 * engine holds expires now, so start-up recovery re-queues what the dead one
 * had in flight, and nothing else.
 * While held, a heartbeat (unref'd timer) touches the row.
 */
export function acquireEngineOwnership(db: Db, o: OwnershipOptions = {}): Ownership {
  const c = db.$client;
  const wallNow = o.wallNow ?? Date.now;
  const host = hostname();
  const owner = `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;

  const takeOver = c.transaction((now: number): OwnerRow | null => {
    const current = liveOwner(c, now, o);
    if (current) return current;
    // the database is ours alone from here: every lease someone else holds is a dead engine's (the old owner's,
    // or one that stopped cleanly with a settle it could not write), and ends now
    c.prepare(`update messages set lease_expires_at = ? where status = 'sending' and lease_owner is not ? and lease_expires_at > ?`).run(now, owner, now);
    c.prepare(
      `insert into engine_owner (id, owner, host, pid, started_at, heartbeat_at, process_start) values (1, ?, ?, ?, ?, ?, ?)
       on conflict (id) do update set owner = excluded.owner, host = excluded.host, pid = excluded.pid, started_at = excluded.started_at,
         heartbeat_at = excluded.heartbeat_at, process_start = excluded.process_start`,
    ).run(owner, host, process.pid, now, now, processStartTicks(process.pid));
    return null;
  });
  // immediate: two servers starting at once serialize here, and the second sees the first
  const refusedBy = takeOver.immediate(wallNow());
  if (refusedBy) {
    c.close();
    throw new EngineOwnedError(refusedBy, c.name);
  }

  let held = true;
  const lost: (() => void)[] = [];
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
        (o.log ?? ((l: string) => processLog.error({ component: 'ownership' }, l)))(`engine ${owner} lost the database to another server: its engine stops (no more ticks or claims); the API goes on`);
        for (const listener of lost.splice(0)) listener();
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
    onLost: (listener) => void lost.push(listener),
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

/**
 * The engine thread's connection acts for the server that owns the database
 * (`owner`, its id): its leases carry that id, and once `disown` is called
 * (the owner's heartbeat found the database taken over) it claims nothing
 * and its engine ticks no more.
 */
export function adoptOwnership(db: Db, owner: string): { disown: () => void } {
  let held = true;
  byConnection.set(db.$client, { owner, held: () => held && db.$client.open, release: () => {}, onLost: () => {} });
  return { disown: () => void (held = false) };
}
