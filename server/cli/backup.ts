import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { databasePathFromEnv } from '../build';

const usage = `usage: npm run backup -- <file>
  Copies DATABASE_PATH (default ./data/journeys.db) to <file> with SQLite's online backup,
  while the server keeps running: the copy is one consistent moment, WAL included.
  Restore: stop the server, copy <file> over DATABASE_PATH (delete any DATABASE_PATH-wal
  and -shm beside it first), start the server.`;

export interface BackupReport {
  target: string;
  pages: number;
  bytes: number;
}

/**
 * An online copy of the SQLite file at `source` into `target` (which must not
 * exist), checked by opening it and running `quick_check`. The engine can go
 * on writing: in WAL mode the backup reads a snapshot and blocks no writer.
 * The pages are copied in one step: a write from another connection between
 * steps restarts the copy, and under a busy engine a copy in small steps
 * might never finish.
 */
export async function backupDatabase(source: string, target: string): Promise<BackupReport> {
  if (!existsSync(source)) throw new Error(`no database at ${source} (set DATABASE_PATH)`);
  if (existsSync(target)) throw new Error(`${target} exists: back up to a new file (an old backup is never overwritten)`);
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // every page in the next step (the most better-sqlite3 takes): a step-by-step copy restarts on each write and may never end
    const meta = await db.backup(target, { progress: () => 0x7fffffff });
    const copy = new Database(target, { readonly: true, fileMustExist: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy at ${target} failed its check: ${String(check)}`);
      const pageSize = copy.pragma('page_size', { simple: true }) as number;
      return { target, pages: meta.totalPages, bytes: meta.totalPages * pageSize };
    } finally {
      copy.close();
    }
  } finally {
    db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [file, ...rest] = argv;
  if (file === undefined || file === '-h' || file === '--help' || rest.length > 0) {
    process.stderr.write(`${usage}\n`);
    return file === '-h' || file === '--help' ? 0 : 2;
  }
  const source = databasePathFromEnv();
  try {
    const r = await backupDatabase(source, resolve(file));
    process.stdout.write(`Backed up ${source} to ${r.target}: ${r.pages} pages, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB, quick_check ok\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`backup failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
