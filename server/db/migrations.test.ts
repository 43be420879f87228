import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase } from './client';

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
const whenOf = (tag: string): number => {
  const e = journal.entries.find((x) => x.tag === tag);
  if (!e) throw new Error(`no migration ${tag}`);
  return e.when;
};

describe('migrations on data', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'migrations-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('0008 rewrites stored phone numbers to the one spelling new ones get, and leaves what is not a number alone', () => {
    const path = join(dir, 'm.db');
    let db = openDatabase(path);
    const insert = db.$client.prepare(`insert into contacts (external_id, phone, traits, opt_outs, created_at, updated_at) values (?, ?, '{}', '[]', 0, 0)`);
    const before: [string, string | null][] = [
      ['sdk', '+86 138-0000-0001'],
      ['brackets', '(010) 1234-5678'],
      ['dots', '+1 (212) 555.0100'],
      ['clean', '+8613800000004'],
      ['words', 'call me'],
      ['dash', '-'],
      ['short', '1-2'],
      ['none', null],
    ];
    for (const [id, phone] of before) insert.run(id, phone);
    // as a database from before 0008: forget that it (and anything after it) ran, and open it again
    db.$client.prepare('delete from __drizzle_migrations where created_at >= ?').run(whenOf('0008_normalize_phones'));
    db.$client.close();
    db = openDatabase(path);
    expect(Object.fromEntries((db.$client.prepare('select external_id, phone from contacts').all() as { external_id: string; phone: string | null }[]).map((r) => [r.external_id, r.phone]))).toEqual({
      sdk: '+8613800000001',
      brackets: '01012345678',
      dots: '+12125550100',
      clean: '+8613800000004',
      words: 'call me',
      dash: '-',
      short: '1-2',
      none: null,
    });
    db.$client.close();
  });
});
