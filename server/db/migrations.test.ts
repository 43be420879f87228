import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase } from './client';
import { useTempDir } from '../testing/tempDir';
import { createWorkspaceService } from '../services/workspace';
import { createUserService } from '../services/users';
import { testPasswordCost } from '../testing/signIn';
import { hostname } from 'node:os';

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };

describe('migrations on data', () => {
  const inDir = useTempDir('migrations-test');

  /** A copy of the migrations folder that stops before `tag`: a database migrated with it is one from before that migration. */
  const migrationsBefore = (tag: string): string => {
    const at = journal.entries.findIndex((x) => x.tag === tag);
    if (at < 0) throw new Error(`no migration ${tag}`);
    const folder = inDir(`before-${tag}`);
    cpSync(migrationsFolder, folder, { recursive: true });
    writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    return folder;
  };

  it('a newer version never migrates a file a running server owns: it refuses, naming that server, and migrates once it has stopped', () => {
    const path = inDir('owned.db');
    // the running server, of the version before 0030
    const running = openDatabase(path, { migrationsFolder: migrationsBefore('0030_engine_owner_start') });
    // its owner row as that version wrote it, naming a live process of this machine (the test runner's parent)
    running.$client
      .prepare(`insert into engine_owner (id, owner, host, pid, started_at, heartbeat_at) values (1, ?, ?, ?, ?, ?)`)
      .run(`${hostname()}:${process.ppid}:0ld0`, hostname(), process.ppid, Date.now(), Date.now());
    expect(() => openDatabase(path)).toThrow(
      new RegExp(`^Another server owns this database .*: pid ${process.ppid} on .*This version must migrate the file first, which it never does under a running server`),
    );
    const hasStartColumn = (db: typeof running) => db.$client.prepare(`select count(*) from pragma_table_info('engine_owner') where name = 'process_start'`).pluck().get();
    expect(hasStartColumn(running)).toBe(0);
    // a tool of the same version (nothing to migrate) opens it beside the server as before
    openDatabase(path, { migrationsFolder: migrationsBefore('0030_engine_owner_start') }).$client.close();
    // that server stops cleanly: its row goes
    running.$client.prepare('delete from engine_owner').run();
    running.$client.close();
    const upgraded = openDatabase(path);
    expect(hasStartColumn(upgraded)).toBe(1);
    upgraded.$client.close();
  });

  it('0008 rewrites stored phone numbers to the one spelling new ones get, and leaves what is not a number alone', () => {
    const path = inDir('m.db');
    let db = openDatabase(path, { migrationsFolder: migrationsBefore('0008_normalize_phones') });
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
    // a database from before 0008, opened by this version
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

  it('0009 suppresses deferred messages stranded by a run that had left (or was merged away), with history and metric; a waiting run keeps its own', () => {
    const path = inDir('m.db');
    let db = openDatabase(path, { migrationsFolder: migrationsBefore('0009_suppress_stranded_deferred') });
    const c = db.$client;
    const day = Date.UTC(2026, 10, 2, 15, 0);
    const run = c.prepare(
      `insert into runs (id, journey_id, version_id, contact_id, node_id, status, visit, entered_at, node_entered_at, exit_reason, exited_at) values (?, 'j', 1, ?, 'sms', ?, 1, 0, 0, ?, ?)`,
    );
    run.run(1, 1, 'exited', 'exit_criteria:credit_granted', day + 3_600_000);
    run.run(2, 2, 'waiting', null, null);
    const message = c.prepare(
      `insert into messages (id, run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, reason, history, created_at, updated_at)
       values (?, ?, 'j', 1, 'sms', ?, ?, 'sms', 'recall_sms', 'marketing', ?, ?, '[{"status":"deferred","at":0}]', ?, ?)`,
    );
    message.run(1, 1, 1, 1, 'deferred', 'quiet_hours:21:00-09:00', day, day);
    message.run(2, 2, 1, 2, 'deferred', 'quiet_hours:21:00-09:00', day, day);
    message.run(3, 999, 1, 3, 'deferred', 'cap:sms:1/24h', day, day + 60_000); // its run was merged away
    message.run(4, 1, 2, 1, 'sent', null, day, day);
    c.close();
    db = openDatabase(path);
    const rows = db.$client.prepare('select id, status, reason, history, updated_at from messages order by id').all() as {
      id: number;
      status: string;
      reason: string | null;
      history: string;
      updated_at: number;
    }[];
    expect(rows.map((r) => [r.id, r.status, r.reason])).toEqual([
      [1, 'suppressed', 'exited:exit_criteria:credit_granted'],
      [2, 'deferred', 'quiet_hours:21:00-09:00'],
      [3, 'suppressed', 'exited:contact_merged'],
      [4, 'sent', null],
    ]);
    expect(JSON.parse(rows[0]!.history)).toEqual([
      { status: 'deferred', at: 0 },
      { status: 'suppressed', at: day + 3_600_000, detail: { reason: 'exited:exit_criteria:credit_granted' } },
    ]);
    expect(db.$client.prepare(`select node_id, metric, label, day, count from metrics order by label`).all()).toEqual([
      { node_id: 'sms', metric: 'suppressed', label: 'exited:contact_merged', day: '2026-11-02', count: 1 },
      { node_id: 'sms', metric: 'suppressed', label: 'exited:exit_criteria:credit_granted', day: '2026-11-02', count: 1 },
    ]);
    expect(db.$client.prepare(`select count(*) n from sqlite_temp_master where name = 'stranded'`).get()).toEqual({ n: 0 });
    db.$client.close();
  });

  it('0012 keeps a workspace from before accounts, with its write key, and turns four-eyes on; the upgrade gets a first admin', () => {
    const path = inDir('m.db');
    let db = openDatabase(path, { migrationsFolder: migrationsBefore('0012_accounts') });
    db.$client
      .prepare(
        `insert into workspace (id, name, write_key, timezone, rng_seed, policy, created_at, link_secret) values (1, 'Old Lender', 'wk_from_before', 'Asia/Shanghai', 7, '{"caps":[],"quietHours":[]}', 0, 'secret')`,
      )
      .run();
    db.$client.close();
    db = openDatabase(path);
    expect(db.$client.prepare('select name, write_key, approvals, previous_write_key, previous_write_key_expires_at from workspace').all()).toEqual([
      { name: 'Old Lender', write_key: 'wk_from_before', approvals: 1, previous_write_key: null, previous_write_key_expires_at: null },
    ]);
    // a new workspace's APPROVALS setting does not apply to one that already exists
    const ws = createWorkspaceService(db, { now: 1, approvals: false, writeKey: 'wk_other' });
    expect(ws.settings()).toMatchObject({ name: 'Old Lender', writeKey: 'wk_from_before', approvals: true, previousWriteKey: null, policy: { caps: [], quietHours: [] } });
    expect(ws.acceptsWriteKey('wk_from_before', Date.now())).toBe(true);
    const users = createUserService({ db, passwordCost: testPasswordCost });
    expect(users.count()).toBe(0);
    expect(users.ensureFirstAdmin({})).toMatchObject({ login: 'admin' });
    expect(db.$client.prepare('select count(*) n from audit_events').get()).toEqual({ n: 0 });
    db.$client.close();
  });

  it('0022 folds each English twin into its Chinese template as copy per language, and keeps a twin a journey still names', () => {
    const path = inDir('m.db');
    let db = openDatabase(path, { migrationsFolder: migrationsBefore('0022_template_locales') });
    const template = db.$client.prepare(`insert into templates (key, channel, current_version, created_at, updated_at, updated_by) values (?, ?, ?, 0, 0, 'lib')`);
    const version = db.$client.prepare(
      `insert into template_versions (template_key, version, name, description, category, locale, variables, variants, note, created_at, created_by) values (?, ?, ?, '', 'marketing', ?, ?, ?, '', 0, 'lib')`,
    );
    const variants = (copy: string) =>
      JSON.stringify([
        { key: 'a', name: 'A', weight: 50, parts: { body: `${copy} a` } },
        { key: 'b', name: 'B', weight: 50, parts: { body: `${copy} b` } },
      ]);
    for (const [key, current] of [
      ['recall_sms', 2],
      ['recall_sms_en', 1],
      ['offer_sms', 1],
      ['offer_sms_en', 1],
    ] as const)
      template.run(key, 'sms', current);
    version.run('recall_sms', 1, 'Recall (old)', 'zh-CN', '["name"]', variants('旧'));
    version.run('recall_sms', 2, 'Recall', 'zh-CN', '["name"]', variants('您好'));
    version.run('recall_sms_en', 1, 'Recall EN', 'en', '["limit","name"]', variants('Hi'));
    version.run('offer_sms', 1, 'Offer', 'zh-CN', '[]', variants('优惠'));
    version.run('offer_sms_en', 1, 'Offer EN', 'en', '[]', variants('Offer'));
    // a draft still sends the English offer by its old key
    db.$client
      .prepare(`insert into journeys (id, name, description, status, draft, created_at, updated_at, updated_by) values ('j', 'J', '', 'draft', ?, 0, 0, 'x')`)
      .run(JSON.stringify({ nodes: [{ id: 's', kind: 'send', config: { template: 'offer_sms_en' } }], edges: [] }));
    db.$client.close();
    db = openDatabase(path);
    const current = (key: string) =>
      db.$client
        .prepare(
          `select v.version, v.name, v.locale, v.variables, v.variants, v.note, v.created_by from templates t join template_versions v on v.template_key = t.key and v.version = t.current_version where t.key = ?`,
        )
        .get(key) as { version: number; name: string; locale: string; variables: string; variants: string; note: string; created_by: string } | undefined;
    const recall = current('recall_sms');
    expect(recall).toMatchObject({ version: 3, name: 'Recall', locale: 'zh-CN', note: 'merged the English copy of recall_sms_en', created_by: 'migration' });
    expect(JSON.parse(recall?.variables ?? '')).toEqual(['limit', 'name']);
    expect(JSON.parse(recall?.variants ?? '')).toEqual([
      { key: 'a', name: 'A', weight: 50, parts: { body: '您好 a' }, locales: { en: { body: 'Hi a' } } },
      { key: 'b', name: 'B', weight: 50, parts: { body: '您好 b' }, locales: { en: { body: 'Hi b' } } },
    ]);
    // the older versions stay as they were: a message can always say what it rendered
    expect(db.$client.prepare(`select count(*) n from template_versions where template_key = 'recall_sms'`).get()).toEqual({ n: 3 });
    expect(current('recall_sms_en')).toBeUndefined();
    expect(db.$client.prepare(`select count(*) n from template_versions where template_key = 'recall_sms_en'`).get()).toEqual({ n: 0 });
    // the offer gets its English copy too, and its twin stays while a journey names it
    expect((JSON.parse(current('offer_sms')?.variants ?? '') as { locales: unknown }[])[0]?.locales).toEqual({ en: { body: 'Offer a' } });
    expect(current('offer_sms_en')).toMatchObject({ version: 1, locale: 'en' });
    // messages say which language they were sent in
    expect((db.$client.prepare(`select name from pragma_table_info('messages') where name = 'locale'`).get() as { name: string }).name).toBe('locale');
    db.$client.close();
  });

  it('0028 gives every clicked message the time of its earliest click, and the funnel its two indexes', () => {
    const path = inDir('m.db');
    let db = openDatabase(path, { migrationsFolder: migrationsBefore('0028_funnel_from_indexes') });
    const message = db.$client.prepare(
      `insert into messages (id, run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, created_at, updated_at) values (?, ?, 'j', 1, 'sms', 1, ?, 'sms', 't', 'marketing', 'sent', 0, 0)`,
    );
    const click = db.$client.prepare(`insert into clicks (code, message_id, contact_id, at, first) values ('c', ?, ?, ?, ?)`);
    for (const id of [1, 2, 3]) message.run(id, id, id);
    // message 1 clicked twice, the earlier tap recorded second; message 2 once; message 3 never
    click.run(1, 1, 500, 1);
    click.run(1, 1, 200, 0);
    click.run(2, 2, 900, 1);
    db.$client.close();
    db = openDatabase(path);
    expect(db.$client.prepare('select id, clicked_at from messages order by id').all()).toEqual([
      { id: 1, clicked_at: 200 },
      { id: 2, clicked_at: 900 },
      { id: 3, clicked_at: null },
    ]);
    expect(db.$client.prepare(`select name from sqlite_master where name in ('messages_clicked', 'conversions_node') order by name`).pluck().all()).toEqual(['conversions_node', 'messages_clicked']);
    db.$client.close();
  });

  it('0029 indexes the messages out with a provider by lease expiry, those already out included', () => {
    const path = inDir('n.db');
    let db = openDatabase(path, { migrationsFolder: migrationsBefore('0029_messages_sending') });
    const message = db.$client.prepare(
      `insert into messages (id, run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, lease_owner, lease_expires_at, created_at, updated_at) values (?, ?, 'j', 1, 'sms', 1, ?, 'sms', 't', 'marketing', ?, ?, ?, 0, 0)`,
    );
    message.run(1, 1, 1, 'sending', 'host:1:a', 500);
    message.run(2, 2, 2, 'sent', null, null);
    db.$client.close();
    db = openDatabase(path);
    expect(db.$client.prepare(`select id from messages indexed by messages_sending where status = 'sending' and lease_expires_at <= 1000`).pluck().all()).toEqual([1]);
    db.$client.close();
  });

  it('0033 counts the events an inbox already holds, and keeps the count as requests are appended and removed', () => {
    const path = inDir('i.db');
    let db = openDatabase(path, { migrationsFolder: migrationsBefore('0033_events_inbox_size') });
    const append = db.$client.prepare(`insert into events_inbox (received_at, events, message_ids, body) values (0, ?, 0, '[]')`);
    append.run(120);
    append.run(300);
    db.$client.close();
    db = openDatabase(path);
    const size = db.$client.prepare('select events from events_inbox_size').pluck();
    expect(size.get()).toBe(420);
    db.$client.prepare(`insert into events_inbox (received_at, events, body) values (0, 5, '[]')`).run();
    db.$client.prepare('delete from events_inbox where events = 120').run();
    expect(size.get()).toBe(305);
    db.$client.close();
  });
});
