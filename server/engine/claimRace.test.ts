import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { openDatabase, type Db } from '../db/client';
import Database from 'better-sqlite3';
import { apiSideOf, attachWriteGate, createWriteGate, observeWriteLock, type WriteGate } from '../db/writeGate';
import { createMachineCache } from './machines';
import { createRunner, writeSliceRuns, type Runner } from './runner';
import { DAY, MINUTE } from '../../shared/util/time';

/**
 * The engine thread reads its claim of due runs before it takes the write
 * lock; the API thread, writing the same file, may move one of those runs
 * (an event it routes) or pause its journey in between. The engine's batch
 * must then leave that run as the API left it: moved twice, it would have
 * sent twice.
 *
 * Here the engine is a runner on a second connection to the test world's
 * file, with the shared write lock attached as the engine thread has it, and
 * the API's change is made where a real one could land: after the claim,
 * before the batch's transaction (the runner reads its settings there).
 */

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
let engineDb: Db | null = null;
afterEach(() => {
  engineDb?.$client.close();
  engineDb = null;
  w.close();
});

/** A runner on its own connection that, in its first batch, runs `meanwhile` between its claim and its write. */
function engineWith(meanwhile: () => void): Runner {
  const gate = createWriteGate();
  attachWriteGate(w.db.$client, gate, 'api');
  engineDb = openDatabase(w.dbPath);
  attachWriteGate(engineDb.$client, gate, 'engine');
  let pending: (() => void) | null = meanwhile;
  const settings = () => {
    const f = pending;
    pending = null;
    f?.();
    return w.services.workspace.settings();
  };
  return createRunner({ db: engineDb, machines: createMachineCache(engineDb), settings });
}

const identify = (ids: string[]) => w.services.ingest.ingest(ids.map((userId, i) => ({ type: 'identify' as const, userId, traits: { phone: `+8613800000${String(i).padStart(3, '0')}` } })));
const track = (ids: string[], event: string) => w.services.ingest.ingest(ids.map((userId) => ({ type: 'track' as const, userId, event })));
const runs = (journeyId: string) =>
  w.sql<{ who: string; node_id: string; status: string; wake_at: number | null; held_wake_at: number | null }>(
    `select c.external_id who, r.node_id, r.status, r.wake_at, r.held_wake_at from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? order by who`,
    journeyId,
  );
const messages = (journeyId: string) =>
  w.sql<{ who: string; node_id: string }>(`select c.external_id who, m.node_id from messages m join contacts c on c.id = m.contact_id where m.journey_id = ? order by who, m.id`, journeyId);

/** credit_rejected → wait 3 days for app_login: logged in → SMS, timed out → push */
const waitsForLogin = aGraph()
  .node('entry', 'trigger.event', { event: 'credit_rejected' })
  .node('login', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } })
  .node('welcome', 'send', { channel: 'sms', template: 'recall_sms' })
  .node('nudge', 'send', { channel: 'push', template: 'idle_push' })
  .node('done', 'exit', { reason: 'done' })
  .then('entry', 'login')
  .then('login', 'welcome', 'event')
  .then('login', 'nudge', 'timeout')
  .then('welcome', 'done')
  .then('nudge', 'done')
  .build();

describe('a claim read before the write lock (the engine thread)', () => {
  it('leaves a run that an event moved after the claim where the event took it: one branch, one message', async () => {
    w = aTestWorld(NOON_SH, { sandbox: silentChannels });
    const id = await w.publish(waitsForLogin, 'Waits');
    identify(['a', 'b']);
    track(['a', 'b'], 'credit_rejected');
    await w.caller.dev.advanceClock({ ms: MINUTE });
    expect(runs(id).map((r) => r.node_id)).toEqual(['login', 'login']);

    // three days on, both timers are due; the engine claims them, and a's login arrives before its batch is written
    w.clock.advance(3 * DAY);
    const engine = engineWith(() => track(['a'], 'app_login'));
    const report = engine.tick(w.clock.now());

    // a went on by its login (the API's move stands); b by its timeout
    expect(report.stepped).toBe(1);
    expect(messages(id)).toEqual([
      { who: 'a', node_id: 'welcome' },
      { who: 'b', node_id: 'nudge' },
    ]);
    expect(w.sql(`select count(*) n from runs where journey_id = ? and wake_at is not null and wake_at <= ?`, id, w.clock.now())).toEqual([{ n: 0 }]);
  });

  it('writes nothing for a journey paused after the claim, nor in the batches claimed after it, and parks the timers of its runs as the pause does', async () => {
    w = aTestWorld(NOON_SH, { sandbox: silentChannels });
    const id = await w.publish(waitsForLogin, 'Waits');
    const other = await w.publish(waitsForLogin, 'Other');
    identify(['a', 'b']);
    track(['a', 'b'], 'credit_rejected');
    await w.caller.dev.advanceClock({ ms: MINUTE });
    w.clock.advance(3 * DAY);
    const dueAt = runs(id)[0]?.wake_at;

    // the pause commits between the claim and the batch, as if its own parking had not reached these runs yet
    const engine = engineWith(() => {
      w.db.$client.prepare(`update journeys set status = 'paused' where id = ?`).run(id);
    });
    // a batch a run: the pause lands after the first claim, and the next three are claimed after it
    const report = engine.tick(w.clock.now(), { batchSize: 1 });

    // the other journey's runs went on; the paused one's stay at their node, their timers parked, nothing sent
    expect(report.stepped).toBe(2);
    expect(messages(other)).toHaveLength(2);
    expect(messages(id)).toEqual([]);
    expect(runs(id)).toEqual([
      { who: 'a', node_id: 'login', status: 'waiting', wake_at: null, held_wake_at: dueAt },
      { who: 'b', node_id: 'login', status: 'waiting', wake_at: null, held_wake_at: dueAt },
    ]);

    // and resume puts them back: they go on by their timeout
    await w.caller.journeys.resume({ id });
    await w.caller.dev.advanceClock({ ms: MINUTE });
    expect(messages(id).map((m) => m.node_id)).toEqual(['nudge', 'nudge']);
  });

  describe('a batch written while an API writer waits', () => {
    /** A runner on its own connection as the engine thread's, yielding at once (`yieldAfterMs` 0), and the gate's API side played by the test. */
    function slicingEngine(): { engine: Runner; gate: WriteGate } {
      const gate = createWriteGate();
      engineDb = openDatabase(w.dbPath);
      attachWriteGate(engineDb.$client, gate, 'engine', 0);
      return { engine: createRunner({ db: engineDb, machines: createMachineCache(engineDb), settings: () => w.services.workspace.settings(), yieldAfterMs: 0 }), gate };
    }
    /** 600 contacts waiting for a login, their three-day timeouts due: one batch of 600 runs, more than two slices */
    const people = Array.from({ length: 600 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    async function sixHundredDue(): Promise<string> {
      w = aTestWorld(NOON_SH, { sandbox: silentChannels });
      const id = await w.publish(waitsForLogin, 'Waits');
      identify(people);
      track(people, 'credit_rejected');
      await w.caller.dev.advanceClock({ ms: MINUTE });
      w.clock.advance(3 * DAY);
      return id;
    }
    let takes = 0;
    let onRelease: (() => void) | null = null;
    afterEach(() => observeWriteLock(null));
    const countTakes = () => {
      takes = 0;
      observeWriteLock((role) => {
        if (role !== 'engine') return;
        takes++;
        onRelease?.();
      });
    };

    it('with no API writer waiting, writes the whole batch in one transaction', async () => {
      const id = await sixHundredDue();
      const { engine } = slicingEngine();
      countTakes();
      expect(engine.tick(w.clock.now())).toMatchObject({ batches: 1, stepped: 600, queued: 600 });
      expect(takes).toBe(1);
      expect(messages(id)).toHaveLength(600);
    });

    it('with one waiting, commits slice by slice, the writer going first between two; a pause landing there holds for the slices after it', async () => {
      const id = await sixHundredDue();
      const dueAt = runs(id)[0]?.wake_at;
      const { engine, gate } = slicingEngine();
      // the API thread pauses the journey as the first slice gives the lock back (its write commits before the next slice takes it)
      const api = new Database(w.dbPath);
      onRelease = () => {
        onRelease = null;
        api.prepare(`update journeys set status = 'paused' where id = ?`).run(id);
        apiSideOf(gate).wroteRuns();
      };
      countTakes();
      apiSideOf(gate).waiting(1);
      try {
        const report = engine.tick(w.clock.now());
        // the first slice went on (its runs timed out to the push); every other run stays at its node, its timer parked as the pause parks it
        expect(report.stepped).toBe(writeSliceRuns);
        expect(takes).toBeGreaterThanOrEqual(2);
        expect(messages(id)).toHaveLength(writeSliceRuns);
        const left = runs(id).filter((r) => r.node_id === 'login');
        expect(left).toHaveLength(600 - writeSliceRuns);
        expect(left.every((r) => r.status === 'waiting' && r.wake_at === null && r.held_wake_at === dueAt)).toBe(true);
        expect(w.sql(`select count(*) n from runs where journey_id = ? and node_id <> 'login'`, id)).toEqual([{ n: writeSliceRuns }]);
      } finally {
        apiSideOf(gate).waiting(0);
        api.close();
      }
    });
  });
});
