import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph, sendOnEventGraph } from '../../shared/fixtures/builders';
import { DAY } from '../../shared/util/time';
import { createRunner } from './runner';
import { createMachineCache } from './machines';

/** 12:00 in Shanghai (the workspace's zone). */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

const waitADay = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
    .node('done', 'exit', { reason: 'waited' })
    .then('entry', 'wait')
    .then('wait', 'done')
    .build();

describe('runner: runs it cannot step', () => {
  let w: TestWorld;
  beforeEach(() => {
    w = aTestWorld(NOON_SH);
  });
  afterEach(() => w.close());

  const sql = <T>(q: string, ...args: unknown[]): T[] => w.db.$client.prepare(q).all(...args) as T[];
  const run = (userId: string) =>
    sql<{ status: string; exit_reason: string | null; wake_at: number | null }>(
      `select r.status, r.exit_reason, r.wake_at from runs r join contacts c on c.id = r.contact_id where c.external_id = ?`,
      userId,
    )[0];

  async function twoWaiting(): Promise<string> {
    const id = await w.publish(waitADay(), 'Wait a day');
    w.services.ingest.ingest([
      { type: 'track', userId: 'gone', event: 'credit_rejected' },
      { type: 'track', userId: 'stays', event: 'credit_rejected' },
    ]);
    await w.caller.dev.advanceClock({ ms: 0 });
    return id;
  }

  it('a due run whose contact was deleted exits with contact_missing, counted, instead of being claimed again on every tick', async () => {
    const id = await twoWaiting();
    const [gone] = sql<{ id: number }>(`select id from contacts where external_id = 'gone'`);
    const [runId] = sql<{ id: number }>(`select id from runs where contact_id = ?`, gone!.id);
    w.db.$client.prepare('delete from contacts where id = ?').run(gone!.id);

    w.clock.advance(DAY);
    const tick = w.services.engine.runner.tick(w.clock.now());
    expect(tick).toMatchObject({ stepped: 1, exited: 2, backlog: false });
    expect(sql(`select status, exit_reason, wake_at from runs where id = ?`, runId!.id)).toEqual([{ status: 'exited', exit_reason: 'contact_missing', wake_at: null }]);
    expect(run('stays')).toMatchObject({ status: 'exited', exit_reason: 'waited' });
    // nothing is left due, and the counters agree with the rows
    expect(w.services.engine.runner.tick(w.clock.now())).toMatchObject({ batches: 0, stepped: 0 });
    expect(sql(`select node_id, label, count from metrics where journey_id = ? and metric = 'exited' and label = 'contact_missing'`, id)).toEqual([{ node_id: 'wait', label: 'contact_missing', count: 1 }]);
    expect(sql(`select node_id, active from node_gauges where active <> 0`)).toEqual([]);
  });

  it('a due run whose journey version is gone exits with version_missing', async () => {
    await twoWaiting();
    const [v] = sql<{ id: number }>(`select id from journey_versions`);
    w.db.$client.prepare('delete from journey_versions where id = ?').run(v!.id);
    // a fresh process: nothing cached
    const runner = createRunner({ db: w.db, machines: createMachineCache(w.db), settings: () => w.services.workspace.settings() });
    w.clock.advance(DAY);
    expect(runner.tick(w.clock.now())).toMatchObject({ stepped: 0, exited: 2 });
    expect([run('gone'), run('stays')]).toEqual([
      { status: 'exited', exit_reason: 'version_missing', wake_at: null },
      { status: 'exited', exit_reason: 'version_missing', wake_at: null },
    ]);
    expect(runner.tick(w.clock.now())).toMatchObject({ batches: 0 });
  });

  it('a run whose contact was deleted while its SMS waited out quiet hours exits, and the SMS is suppressed with it', async () => {
    w.close();
    w = aTestWorld(Date.UTC(2026, 10, 2, 15, 0)); // 23:00 in Shanghai
    const id = await w.publish(sendOnEventGraph(), 'SMS');
    w.services.ingest.ingest([{ type: 'track', userId: 'gone', event: 'credit_rejected' }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(sql(`select status from messages`)).toEqual([{ status: 'deferred' }]);
    w.db.$client.prepare(`delete from contacts where external_id = 'gone'`).run();
    await w.caller.dev.advanceClock({ ms: 12 * 60 * 60 * 1000 });
    expect(sql(`select status, reason from messages`)).toEqual([{ status: 'suppressed', reason: 'exited:contact_missing' }]);
    expect(sql(`select status, exit_reason from runs`)).toEqual([{ status: 'exited', exit_reason: 'contact_missing' }]);
    expect(sql(`select label, count from metrics where journey_id = ? and metric = 'suppressed'`, id)).toEqual([{ label: 'exited:contact_missing', count: 1 }]);
  });
});
