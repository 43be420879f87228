import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client';
import { useTempDir } from '../testing/tempDir';
import { backupDatabase } from './backup';

const count = (db: ReturnType<typeof openDatabase>) => (db.$client.prepare('select count(*) n from contacts').get() as { n: number }).n;
const addContacts = (db: ReturnType<typeof openDatabase>, from: number, n: number) => {
  const insert = db.$client.prepare(`insert into contacts (external_id, traits, opt_outs, created_at, updated_at) values (?, '{"pad":"${'x'.repeat(500)}"}', '[]', 0, 0)`);
  db.$client.transaction(() => {
    for (let i = from; i < from + n; i++) insert.run(`c${i}`);
  })();
};

describe('npm run backup -- file', () => {
  const inDir = useTempDir('backup-test');

  it('copies a live database (WAL frames included) into a file that opens, checks ok and holds the same rows', async () => {
    const db = openDatabase(inDir('live.db'));
    addContacts(db, 0, 2_000);
    // committed but still in the WAL: the copy must have them
    expect(existsSync(inDir('live.db-wal'))).toBe(true);
    const r = await backupDatabase(inDir('live.db'), inDir('copy.db'));
    expect(r.pages).toBeGreaterThan(0);
    const copy = openDatabase(inDir('copy.db'));
    expect(count(copy)).toBe(2_000);
    expect(copy.$client.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.$client.close();
    db.$client.close();
  });

  it('takes one consistent moment while the engine keeps writing', async () => {
    const db = openDatabase(inDir('busy.db'));
    addContacts(db, 0, 5_000);
    let next = 5_000;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        addContacts(db, next, 100);
        next += 100;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const r = await backupDatabase(inDir('busy.db'), inDir('busy-copy.db'));
    writing = false;
    await writer;
    const copy = openDatabase(inDir('busy-copy.db'));
    const n = count(copy);
    // whole batches only: a snapshot between two commits
    expect(n).toBeGreaterThanOrEqual(5_000);
    expect(n % 100).toBe(0);
    expect(copy.$client.pragma('quick_check', { simple: true })).toBe('ok');
    expect(r.target).toBe(inDir('busy-copy.db'));
    copy.$client.close();
    db.$client.close();
  });

  it('never overwrites a file, and names a missing database', async () => {
    const db = openDatabase(inDir('a.db'));
    writeFileSync(inDir('old-backup.db'), 'keep me');
    await expect(backupDatabase(inDir('a.db'), inDir('old-backup.db'))).rejects.toThrow(/exists: back up to a new file/);
    await expect(backupDatabase(inDir('missing.db'), inDir('b.db'))).rejects.toThrow(/no database at .*missing\.db/);
    db.$client.close();
  });

  it('runs as a command against DATABASE_PATH', () => {
    const db = openDatabase(inDir('cli.db'));
    addContacts(db, 0, 10);
    const script = fileURLToPath(new URL('./backup.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, inDir('cli-copy.db')], { encoding: 'utf8', env: { ...process.env, DATABASE_PATH: inDir('cli.db') }, timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Backed up .*cli\.db to .*cli-copy\.db: \d+ pages, [\d.]+ MiB, quick_check ok\n$/);
    const usage = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run backup -- <file>/);
    db.$client.close();
  }, 30_000);
});
