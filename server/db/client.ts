import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';
import { normalizePhone } from '../../shared/contacts/phone';
import { gateBareWrites, throughGate } from './writeGate';
import { refuseIfOwned } from '../outbox/ownership';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** WAL pages after which a commit checkpoints (unless a checkpointer thread does it: checkpointer.ts). */
export const walAutocheckpointPages = 10_000;

/**
 * Bytes a WAL file is cut back to once checkpointed: 256 MiB, far below a
 * disk. Well above what the WAL holds between two restarts under full load
 * (about 67 MB in bench:api), because a WAL over the limit is cut at every
 * restart, by whichever connection commits first, and the cut (an ftruncate of
 * a few MB) took 15–35 ms on ext4 here: at 64 MiB the API's own commits paid it
 * 30 times a minute, and every request behind them waited.
 */
export const journalSizeLimitBytes = 256 * 1024 * 1024;

/** Open (creating if needed) the SQLite file, set WAL, and apply pending migrations (from `migrationsFolder`; tests pass an older set). */
export function openDatabase(path: string, opts: { migrationsFolder?: string } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  // 16 KiB pages for a new file (an existing one keeps its own): a runner batch dirties a few
  // hundred pages, and each is a WAL frame written at commit; fewer, larger frames commit faster
  sqlite.pragma('page_size = 16384');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // a 64 MiB page cache keeps the hot indexes (runs_due, the outbox queue) in memory at a million runs
  sqlite.pragma('cache_size = -65536');
  // checkpoint every 10,000 WAL pages rather than 1,000: the runner rewrites the same index pages batch after batch
  sqlite.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
  sqlite.pragma('temp_store = memory');
  // after a checkpoint resets the log, truncate a WAL that a long backlog grew (335 MB seen) back to this size
  sqlite.pragma(`journal_size_limit = ${journalSizeLimitBytes}`);
  // the one spelling of a phone number, for migrations that rewrite stored numbers (0008)
  sqlite.function('normalize_phone', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? normalizePhone(v) : v));
  takeWriteLockAtBegin(sqlite);
  gateBareWrites(sqlite);
  const db = drizzle(sqlite, { schema });
  const folder = opts.migrationsFolder ?? migrationsFolder;
  // a newer version started next to a running server would change the schema under it: refused, naming that server
  if (migrationsPending(sqlite, folder)) refuseIfOwned(sqlite, 'This version must migrate the file first, which it never does under a running server');
  migrate(db, { migrationsFolder: folder });
  return db;
}

/** Whether `folder` holds migrations the file has not had (drizzle applies those newer than the last it recorded). */
function migrationsPending(sqlite: Database.Database, folder: string): boolean {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  const newest = Math.max(0, ...journal.entries.map((e) => e.when));
  if (!sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get()) return newest > 0;
  return Number(sqlite.prepare('select max(created_at) from __drizzle_migrations').pluck().get() ?? 0) < newest;
}

/**
 * Every transaction on this connection begins IMMEDIATE. Two connections write
 * the file (the API thread and the engine thread): a deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY when the other committed
 * in between (a stale snapshot cannot be upgraded, so busy_timeout does not
 * help), while BEGIN IMMEDIATE takes the write lock first and waits its turn.
 * Drizzle asks for `.deferred` by name, so that variant is mapped too; nested
 * calls stay savepoints.
 */
function takeWriteLockAtBegin(sqlite: Database.Database): void {
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: (...args: never[]) => unknown) => {
    const tx = transaction(fn);
    // and through the write gate, when the server has two writing threads (writeGate.ts)
    const immediate = (...args: never[]) => throughGate(sqlite, () => tx.immediate(...args));
    return Object.assign(immediate, { default: immediate, deferred: immediate, immediate, exclusive: (...args: never[]) => tx.exclusive(...args) });
  }) as typeof sqlite.transaction;
}
