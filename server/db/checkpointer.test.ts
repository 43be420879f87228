import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/tempDir';
import { openDatabase, walAutocheckpointPages, type Db } from './client';
import { startCheckpointer, type CheckpointFailure, type CheckpointReport } from './checkpointer';
import { memoryLogger } from '../obs/log';

describe('checkpointer thread', () => {
  const inDir = useTempDir('checkpointer-test');
  let db: Db;
  beforeEach(() => {
    db = openDatabase(inDir('c.db'));
  });
  afterEach(() => {
    if (db.$client.open) db.$client.close();
  });

  const until = async (ok: () => boolean, ms = 10_000) => {
    for (const t0 = Date.now(); !ok();) {
      if (Date.now() - t0 > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('copies the WAL back into the database file on its own thread while the engine connection only commits, and the WAL starts over', async () => {
    const path = inDir('c.db');
    const reports: CheckpointReport[] = [];
    const checkpointer = startCheckpointer(db, path, { everyMs: 20, onCheckpoint: (r) => reports.push(r) });
    // the engine's connection would not checkpoint before tens of thousands of pages
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(walAutocheckpointPages);
    const before = statSync(path).size;
    const insert = db.$client.prepare(`insert into contacts (external_id, traits, opt_outs, created_at, updated_at) values (?, ?, '[]', 0, 0)`);
    const pad = 'x'.repeat(2000);
    const write = db.$client.transaction((from: number) => {
      for (let i = from; i < from + 500; i++) insert.run(`c${i}`, JSON.stringify({ pad }));
    });
    for (let i = 0; i < 4000; i += 500) write(i);
    // about 8 MB committed: the file grows as the thread copies it in, with no checkpoint on this connection
    await until(() => statSync(path).size > before + 6_000_000);
    await until(() => reports.some((r) => r.log > 0 && r.checkpointed === r.log));
    // once everything is copied, the next commit writes the WAL from its start again: it does not keep growing
    const walAfterFirst = statSync(`${path}-wal`).size;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4000; i += 500) write(10_000 * (round + 1) + i);
      // wait for the thread to copy this round back (on a busy CI machine that takes longer than any fixed sleep)
      // (reports the thread made while this round was still committing arrive first: let them in before counting)
      await new Promise((r) => setTimeout(r, 50));
      const seen = reports.length;
      await until(() => reports.slice(seen).some((r) => r.log > 0 && r.checkpointed === r.log));
    }
    expect(statSync(`${path}-wal`).size).toBeLessThan(walAfterFirst * 2);
    expect((db.$client.prepare('select count(*) n from contacts').get() as { n: number }).n).toBe(16_000);

    await checkpointer.stop();
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(walAutocheckpointPages);
  }, 20_000);

  it('stop waits for the thread even when nothing else keeps the process alive, so what follows the stop runs', () => {
    db.$client.close();
    const script = `
      const { openDatabase } = await import(${JSON.stringify(new URL('./client.ts', import.meta.url).pathname)});
      const { startCheckpointer } = await import(${JSON.stringify(new URL('./checkpointer.ts', import.meta.url).pathname)});
      const db = openDatabase(${JSON.stringify(inDir('c.db'))});
      const checkpointer = startCheckpointer(db, ${JSON.stringify(inDir('c.db'))});
      await checkpointer.stop();
      db.$client.close();
      console.log('closed after stop');`;
    writeFileSync(inDir('stop.mjs'), script);
    const child = spawnSync(process.execPath, ['--import', 'tsx', inDir('stop.mjs')], { encoding: 'utf8', timeout: 15_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed after stop');
  }, 20_000);

  it('backs off exponentially when checkpoints fail, and logs the cause once instead of every attempt', async () => {
    const junk = inDir('junk.db');
    writeFileSync(junk, 'not a database '.repeat(100));
    const failures: CheckpointFailure[] = [];
    const { logger, lines } = memoryLogger();
    // the thread opens a file that is not a database: every checkpoint fails
    const checkpointer = startCheckpointer(db, junk, { everyMs: 10, maxBackoffMs: 200, onFailure: (f) => failures.push(f), logger });
    await new Promise((r) => setTimeout(r, 1_200));
    await checkpointer.stop();
    // every 10 ms would be ~120 attempts; 20, 40, 80, 160, then 200 ms apart is under a dozen
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.length).toBeLessThan(12);
    expect(failures.slice(0, 4).map((f) => f.retryInMs)).toEqual([20, 40, 80, 160]);
    expect(failures.at(-1)?.retryInMs).toBe(200);
    expect(failures[0]?.message).toMatch(/not a database/);
    expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
  }, 10_000);
});
