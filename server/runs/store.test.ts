import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/client';
import { awaitingMessage } from '../../shared/journey/run';
import { runSql, runStore } from '.';

const T = 1_000_000;

describe('the run store: a message’s outcome reaches the run that waits for it', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
  });
  afterEach(() => db.$client.close());

  const plan = (sql: string, params: unknown) =>
    db.$client
      .prepare(`explain query plan ${sql}`)
      .all(params as never)
      .map((r) => (r as { detail: string }).detail);

  /** A run at `node`, visit `visit`, waiting for `waitingFor` until `wakeAt` (its timer parked when `held`), with a message there in `status`; their ids. */
  function aRunWithMessage(o: { node?: string; visit?: number; waitingFor?: string | null; status: string; messageVisit?: number; held?: boolean }) {
    const c = db.$client;
    const contact = Number(c.prepare(`insert into contacts (external_id, traits, created_at, updated_at) values (hex(randomblob(8)), '{}', 0, 0)`).run().lastInsertRowid);
    const wake = T + 86_400_000;
    const run = Number(
      c
        .prepare(
          `insert into runs (journey_id, version_id, contact_id, node_id, status, visit, wake_at, held_wake_at, waiting_for, entered_at, node_entered_at) values ('j', 1, ?, ?, 'waiting', ?, ?, ?, ?, 0, 0)`,
        )
        .run(contact, o.node ?? 'sms', o.visit ?? 2, o.held ? null : wake, o.held ? wake : null, o.waitingFor === undefined ? awaitingMessage : o.waitingFor).lastInsertRowid,
    );
    const message = Number(
      c
        .prepare(
          `insert into messages (run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, history, created_at, updated_at) values (?, 'j', 1, 'sms', ?, ?, 'sms', 't', 'marketing', ?, '[]', 0, 0)`,
        )
        .run(run, o.messageVisit ?? o.visit ?? 2, contact, o.status).lastInsertRowid,
    );
    return { run, message };
  }
  const timers = (run: number) => db.$client.prepare('select wake_at, held_wake_at from runs where id = ?').get(run);

  it('goes from the given message ids by primary keys, never through the runs that wait', () => {
    expect(plan(runSql.wakeAwaiting, { ids: '[1]', now: T })).toEqual([
      'SCAN j VIRTUAL TABLE INDEX 1:',
      'SEARCH m USING INTEGER PRIMARY KEY (rowid=?)',
      'SEARCH runs USING INTEGER PRIMARY KEY (rowid=?)',
    ]);
    expect(plan(runSql.awaitedOutcomes, ['[1]'])).toEqual([
      'SEARCH r USING INTEGER PRIMARY KEY (rowid=?)',
      'LIST SUBQUERY 1',
      'SCAN json_each VIRTUAL TABLE INDEX 1:',
      'SEARCH m USING INDEX messages_key (run_id=? AND node_id=? AND visit=?)',
    ]);
  });

  it('wakes, in one statement, each run whose own message settled; a run parked by a pause stays parked, due at resume', () => {
    const failed = aRunWithMessage({ status: 'failed' });
    const sent = aRunWithMessage({ status: 'sent' });
    const paused = aRunWithMessage({ status: 'dead', held: true });
    const retrying = aRunWithMessage({ status: 'queued' });
    const elsewhere = aRunWithMessage({ status: 'failed', node: 'wait', waitingFor: 'app_login' });
    const earlierVisit = aRunWithMessage({ status: 'failed', visit: 4, messageVisit: 2 });
    const ids = [failed, sent, paused, retrying, elsewhere, earlierVisit].map((r) => r.message);

    expect(runStore(db).wakeAwaiting(JSON.stringify(ids), T)).toBe(3);
    expect(timers(failed.run)).toEqual({ wake_at: T, held_wake_at: null });
    expect(timers(sent.run)).toEqual({ wake_at: T, held_wake_at: null });
    expect(timers(paused.run)).toEqual({ wake_at: null, held_wake_at: T });
    for (const r of [retrying, elsewhere, earlierVisit]) expect(timers(r.run)).toEqual({ wake_at: T + 86_400_000, held_wake_at: null });
  });

  it('reads back the settled status of each run’s message, and nothing for one still on its way', () => {
    const failed = aRunWithMessage({ status: 'dead' });
    const delivered = aRunWithMessage({ status: 'delivered' });
    const sending = aRunWithMessage({ status: 'sending' });
    const got = runStore(db).awaitedOutcomes(JSON.stringify([failed.run, delivered.run, sending.run]));
    expect([...got]).toEqual([
      [failed.run, 'dead'],
      [delivered.run, 'delivered'],
    ]);
  });
});
