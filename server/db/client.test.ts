import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './client';

describe('openDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a new file with 16 KiB pages in WAL mode', () => {
    const db = openDatabase(join(dir, 'new.db'));
    expect(db.$client.pragma('page_size', { simple: true })).toBe(16384);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    db.$client.close();
  });

  it('opens an existing file with the page size it was made with, data intact', () => {
    const path = join(dir, 'old.db');
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
