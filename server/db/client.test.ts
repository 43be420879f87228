import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { journalSizeLimitBytes, openDatabase } from './client';
import { useTempDir } from '../testing/tempDir';

describe('openDatabase', () => {
  const inDir = useTempDir('client-test');

  it('creates a new file with 16 KiB pages in WAL mode', () => {
    const db = openDatabase(inDir('new.db'));
    expect(db.$client.pragma('page_size', { simple: true })).toBe(16384);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    db.$client.close();
  });

  it('caps the WAL left on disk after a checkpoint at 256 MiB (a backlog once grew it to 335 MB; under the limit in steady state, a restart never cuts it)', () => {
    const db = openDatabase(inDir('limit.db'));
    expect(journalSizeLimitBytes).toBe(256 * 1024 * 1024);
    expect(db.$client.pragma('journal_size_limit', { simple: true })).toBe(journalSizeLimitBytes);
    db.$client.close();
  });

  it('opens an existing file with the page size it was made with, data intact', () => {
    const path = inDir('old.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(`create table kept (v text); insert into kept values ('still here')`);
    old.close();
    const db = openDatabase(path);
    expect(db.$client.pragma('page_size', { simple: true })).toBe(4096);
    expect(db.$client.prepare('select v from kept').all()).toEqual([{ v: 'still here' }]);
    db.$client.close();
  });
});
