import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/client';
import { rootDir } from '../build';
import { contactFromRecord, importContactsCsv } from './csvImport';

const NOW = Date.UTC(2026, 10, 2, 2, 0);

interface Stored {
  external_id: string;
  phone: string | null;
  timezone: string | null;
  registered_at: number | null;
  opt_outs: string;
  traits: string;
}

describe('contactFromRecord: one CSV row as a contact, or the column at fault', () => {
  it('maps id, phone, zone, registration and opt-outs to columns and types the other traits', () => {
    const c = contactFromRecord(
      { user_id: 'u1', phone: '+86 138-0000-0001', timezone: 'Asia/Shanghai', registered_at: '2026-03-01', opt_outs: 'sms; Voice', limit: '20000', vip: 'true', code: '007', name: '林' },
      NOW,
    );
    expect(c).toEqual({
      externalId: 'u1',
      phone: '+8613800000001',
      email: null,
      timezone: 'Asia/Shanghai',
      registeredAt: Date.UTC(2026, 2, 1),
      optOuts: ['sms', 'voice'],
      traits: { phone: '+8613800000001', timezone: 'Asia/Shanghai', registered_at: '2026-03-01T00:00:00.000Z', limit: 20000, vip: true, code: '007', name: '林' },
    });
  });

  it.each([
    [{ phone: '+8613800000001' }, 'user_id: is required'],
    [{ user_id: 'u', phone: 'call me' }, 'phone: "call me" is not a phone number'],
    [{ user_id: 'u', timezone: 'Mars/Olympus' }, 'timezone: "Mars/Olympus" is not an IANA time zone'],
    [{ user_id: 'u', registered_at: 'yesterday' }, 'registered_at: "yesterday" is not a date'],
    [{ user_id: 'u', registered_at: '2027-01-01' }, 'registered_at: "2027-01-01" is in the future'],
    [{ user_id: 'u', opt_outs: 'sms;fax' }, 'opt_outs: "fax" is not a channel'],
    [{ user_id: 'u', email: 'nope' }, 'email: "nope" is not an email address'],
    [{ user_id: 'u\u0000v' }, 'user_id: must not contain NUL (\\u0000) or a lone surrogate'],
  ])('rejects %j naming the column', (record, message) => {
    expect(() => contactFromRecord(record, NOW)).toThrow(message.split(': ').slice(1).join(': '));
    try {
      contactFromRecord(record, NOW);
    } catch (e) {
      expect(`${(e as { field: string }).field}: ${(e as Error).message}`).toContain(message);
    }
  });
});

describe('importContactsCsv into a real SQLite file', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journeys-import-'));
    db = openDatabase(join(dir, 'import.db'));
  });
  afterEach(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const all = () => db.$client.prepare('select external_id, phone, timezone, registered_at, opt_outs, traits from contacts order by external_id').all() as Stored[];

  it('lands the good rows and reports each bad one by its line, counting a quoted multi-line cell right', async () => {
    const csv = [
      'user_id,phone,name,timezone,registered_at,limit', // line 1
      'a1,+8613800000001,林,Asia/Shanghai,2026-10-01,20000', // 2
      'a2,not-a-phone,王,,2026-10-02,5000', // 3: bad phone
      'a3,+8613800000003,"张\n三",,2026-10-03,8000', // 4-5: a newline inside quotes
      ',+8613800000004,无名,,,', // 6: no user_id
      'a5,+8613800000005,李,Mars/Base,,', // 7: bad zone
      'a6,+8613800000006,赵', // 8: too few cells
      'a7,+8613800000007,钱,,2026-10-07,3000', // 9
    ].join('\n');
    const report = await importContactsCsv(db, Readable.from([csv]), { now: NOW });
    expect(report.rows).toBe(7);
    expect(report.created).toBe(3);
    expect(report.updated).toBe(0);
    expect(report.bad.map((b) => [b.line, b.field])).toEqual([
      [3, 'phone'],
      [6, 'user_id'],
      [7, 'timezone'],
      [8, null],
    ]);
    expect(report.bad[3]?.error).toMatch(/columns|fields/i);
    // and by its stable code, for the reader's language (issue 18)
    expect(report.bad[3]?.messageRef).toMatchObject({ code: 'csv_bad_line', params: { problem: 'fields', expected: 6, got: 3 } });
    const rows = all();
    expect(rows.map((r) => r.external_id)).toEqual(['a1', 'a3', 'a7']);
    expect(rows[0]).toMatchObject({ phone: '+8613800000001', timezone: 'Asia/Shanghai', registered_at: Date.UTC(2026, 9, 1) });
    expect(JSON.parse(rows[0]?.traits ?? '{}')).toMatchObject({ name: '林', limit: 20000 });
    expect(JSON.parse(rows[1]?.traits ?? '{}')).toMatchObject({ name: '张\n三' });
  });

  it('merges into existing contacts: traits patched, empty cells keep values, opt-outs only add', async () => {
    await importContactsCsv(db, Readable.from(['user_id,phone,name,opt_outs,tier\nm1,+8613800000011,Old,voice,gold\nm2,+8613800000012,Two,,silver\n']), { now: NOW });
    const report = await importContactsCsv(db, Readable.from(['user_id,phone,name,opt_outs,tier\nm1,,New,sms,\nm3,+8613800000013,Three,,\nm3,,Three again,,bronze\n']), { now: NOW + 1000 });
    expect(report).toMatchObject({ rows: 3, created: 1, updated: 2, bad: [] });
    const [m1, m2, m3] = all();
    expect(m1?.phone).toBe('+8613800000011');
    expect(JSON.parse(m1?.traits ?? '{}')).toMatchObject({ name: 'New', tier: 'gold' });
    expect(JSON.parse(m1?.opt_outs ?? '[]')).toEqual(['sms', 'voice']);
    expect(JSON.parse(m2?.traits ?? '{}')).toMatchObject({ name: 'Two', tier: 'silver' });
    expect(JSON.parse(m3?.traits ?? '{}')).toMatchObject({ name: 'Three again', tier: 'bronze' });
  });

  it('refuses a file whose header has no user_id column, writing nothing', async () => {
    await expect(importContactsCsv(db, Readable.from(['phone,name\n+8613800000001,林\n']), { now: NOW })).rejects.toThrow(/user_id column; it has: phone, name/);
    await expect(importContactsCsv(db, Readable.from(['']), { now: NOW })).rejects.toThrow(/empty/);
    await expect(importContactsCsv(db, Readable.from(['phone,name\n']), { now: NOW })).rejects.toMatchObject({ messageRef: { code: 'contacts_csv_header', params: { has: 'phone, name' } } });
    await expect(importContactsCsv(db, Readable.from(['']), { now: NOW })).rejects.toMatchObject({ messageRef: { code: 'csv_empty', params: { example: 'user_id,phone,name' } } });
    expect(all()).toEqual([]);
  });

  it('refuses a header with a NUL in a column name (it would become a trait name), writing nothing', async () => {
    await expect(importContactsCsv(db, Readable.from(['user_id,ti\u0000er\nu1,gold\n']), { now: NOW })).rejects.toThrow(/column 2 must not contain NUL/);
    await expect(importContactsCsv(db, Readable.from(['user_id,ti\u0000er\nu1,gold\n']), { now: NOW })).rejects.toMatchObject({ messageRef: { code: 'csv_header_unreadable', params: { column: 2 } } });
    expect(all()).toEqual([]);
  });
});

describe('npm run import -- contacts.csv', () => {
  it('imports in chunks with a progress bar, lists bad rows by line and writes them to <file>.errors.csv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-import-cli-'));
    try {
      const file = join(dir, 'contacts.csv');
      const n = 30_000;
      const bad = new Set([2, 777, 29_999]); // data row indexes; line = index + 2
      const lines = ['user_id,phone,name,registered_at'];
      for (let i = 0; i < n; i++) lines.push(`c${i},${bad.has(i) ? 'bad-phone' : `+86139${String(i).padStart(8, '0')}`},用户${i},2026-0${1 + (i % 9)}-15`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const dbPath = join(dir, 'cli.db');
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(rootDir, 'server/cli/importContacts.ts'), file], {
        cwd: rootDir,
        env: { ...process.env, DATABASE_PATH: dbPath },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('importing');
      expect(r.stdout).toContain(`${n} rows`);
      expect(r.stdout).toContain(`${n - bad.size} contacts created`);
      for (const i of bad) expect(r.stdout).toContain(`line ${i + 2}: phone: "bad-phone" is not a phone number`);
      const errors = readFileSync(`${file}.errors.csv`, 'utf8').trim().split('\n');
      expect(errors.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([...bad].map((i) => i + 2));
      const check = openDatabase(dbPath);
      try {
        expect((check.$client.prepare('select count(*) n from contacts').get() as { n: number }).n).toBe(n - bad.size);
      } finally {
        check.$client.close();
      }
      // a missing file is named, and exits 1
      const missing = spawnSync(process.execPath, ['--import', 'tsx', join(rootDir, 'server/cli/importContacts.ts'), join(dir, 'nope.csv')], {
        cwd: rootDir,
        env: { ...process.env, DATABASE_PATH: dbPath },
        encoding: 'utf8',
      });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain('nope.csv');
      expect(existsSync(`${join(dir, 'nope.csv')}.errors.csv`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
