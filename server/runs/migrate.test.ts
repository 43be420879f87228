import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/client';
import { awaitingMessage } from '../../shared/journey/run';
import { runMigration } from './migrate';
import type { MigrationPair } from '../../shared/journey/migration';

const NOW = 1_000_000_000;
const keep = (from: string, to: string): MigrationPair => ({ from, to, mode: 'keep', awaits: null, entersPath: from !== to, leavesSend: false });
const restart = (from: string, to: string): MigrationPair => ({ from, to, mode: 'restart', awaits: null, entersPath: false, leavesSend: true });

/** Which runs a migration may take, straight on the table: the rules that keep it from racing the engine or sending twice. */
describe('the run store moves only runs it may', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
  });
  afterEach(() => db.$client.close());

  /** A run of version 1 at `node`; its id. */
  function aRun(name: string, node: string, o: { wakeAt?: number | null; heldWakeAt?: number | null; waitingFor?: string | null; versionId?: number } = {}): number {
    const c = db.$client;
    const contact = Number(c.prepare(`insert into contacts (external_id, traits, created_at, updated_at) values (?, '{}', 0, 0)`).run(name).lastInsertRowid);
    return Number(
      c
        .prepare(
          `insert into runs (journey_id, version_id, contact_id, node_id, status, visit, wake_at, held_wake_at, waiting_for, entered_at, node_entered_at) values ('j', ?, ?, ?, 'waiting', 2, ?, ?, ?, 0, 0)`,
        )
        .run(o.versionId ?? 1, contact, node, o.wakeAt === undefined ? NOW + 1000 : o.wakeAt, o.heldWakeAt ?? null, o.waitingFor ?? null).lastInsertRowid,
    );
  }
  const versionOf = (id: number) => db.$client.prepare<[number], { version_id: number; node_id: string }>('select version_id, node_id from runs where id = ?').get(id);
  const versions = { journeyId: 'j', fromId: 1, toId: 2, toVersion: 2, exclusionGroup: null };

  it('a waiting run moves; a due one, a paused one and one awaiting its message’s outcome stay, and the census says why', () => {
    const moves = aRun('moves', 'wait');
    const due = aRun('due', 'wait', { wakeAt: NOW });
    const held = aRun('held', 'wait', { wakeAt: null, heldWakeAt: NOW + 1000 });
    const awaiting = aRun('awaiting', 'sms', { waitingFor: awaitingMessage });
    const deferred = aRun('deferred', 'sms');
    const m = runMigration(db);
    expect(m.census(1, 2, NOW)).toEqual([
      { nodeId: 'sms', inFlight: 2, movable: 1, due: 0, inTarget: 0, awaitingOutcome: 1 },
      { nodeId: 'wait', inFlight: 3, movable: 1, due: 1, inTarget: 0, awaitingOutcome: 0 },
    ]);
    const counts = m.migrate(versions, [keep('wait', 'wait'), restart('sms', 'sms')], NOW);
    expect(Object.fromEntries(counts)).toEqual({ wait: 1, sms: 1 });
    expect(versionOf(moves)).toEqual({ version_id: 2, node_id: 'wait' });
    expect(versionOf(deferred)).toEqual({ version_id: 2, node_id: 'sms' });
    for (const id of [due, held, awaiting]) expect(versionOf(id)?.version_id).toBe(1);
  });

  it('a contact with a run in the new version keeps its old run where it is', () => {
    const old = aRun('twice', 'wait');
    const contact = db.$client.prepare<[number], number>('select contact_id from runs where id = ?').pluck().get(old) as number;
    db.$client
      .prepare(`insert into runs (journey_id, version_id, contact_id, node_id, status, visit, wake_at, entered_at, node_entered_at) values ('j', 2, ?, 'wait', 'waiting', 2, ?, 0, 0)`)
      .run(contact, NOW + 5000);
    const other = aRun('once', 'wait');
    expect(Object.fromEntries(runMigration(db).migrate(versions, [keep('wait', 'wait2')], NOW))).toEqual({ wait: 1 });
    expect(versionOf(old)).toEqual({ version_id: 1, node_id: 'wait' });
    expect(versionOf(other)).toEqual({ version_id: 2, node_id: 'wait2' });
  });
});
