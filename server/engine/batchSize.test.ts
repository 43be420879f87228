import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { openDatabase, type Db } from '../db/client';
import { attachWriteGate, createWriteGate } from '../db/writeGate';
import { createMachineCache } from './machines';
import { createRunner } from './runner';
import { DAY, MINUTE } from '../../shared/util/time';

/**
 * An API write waits for at most one engine transaction, so the engine's
 * batches are what the API's write latency is made of while both work. The
 * runner halves its next batch when an API writer was waiting as it gave the
 * lock back, and doubles it again (up to its size) after a hold nobody waited
 * for. Here the engine is a runner on a second connection with the write gate
 * attached as the engine thread has it, and an API writer "waits" by the
 * gate's own count of waiting writers.
 */

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
const WAITING = 1;

let w: TestWorld;
let engineDb: Db | null = null;
afterEach(() => {
  engineDb?.$client.close();
  engineDb = null;
  w.close();
});

const waitsADay = aGraph()
  .node('entry', 'trigger.event', { event: 'credit_rejected' })
  .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
  .node('done', 'exit', { reason: 'done' })
  .then('entry', 'wait')
  .then('wait', 'done')
  .build();

/** 30 runs of a journey whose timers are all due, and an engine runner whose `k`-th batch calls `atBatch(k)` between claim and write. */
async function thirtyDue(atBatch: (k: number) => void) {
  w = aTestWorld(NOON_SH, { sandbox: silentChannels });
  await w.publish(waitsADay, 'Waits');
  const ids = Array.from({ length: 30 }, (_, i) => `c${i}`);
  w.services.ingest.ingest(ids.map((userId) => ({ type: 'identify' as const, userId, traits: {} })));
  w.services.ingest.ingest(ids.map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })));
  await w.caller.dev.advanceClock({ ms: MINUTE });
  w.clock.advance(DAY);
  const gate = createWriteGate();
  attachWriteGate(w.db.$client, gate, 'api');
  engineDb = openDatabase(w.dbPath);
  // the engine waits 1 ms for a waiting API writer to go first (250 on the engine thread): the writer here never goes
  attachWriteGate(engineDb.$client, gate, 'engine', 1);
  let k = 0;
  const settings = () => {
    atBatch(++k);
    return w.services.workspace.settings();
  };
  return { runner: createRunner({ db: engineDb, machines: createMachineCache(engineDb), settings }), cells: new Int32Array(gate.buffer) };
}

describe("the engine's batch while the API writes", () => {
  it('stays at its size when no API writer waits: 30 runs in batches of 8', async () => {
    const { runner } = await thirtyDue(() => {});
    expect(runner.tick(w.clock.now(), { batchSize: 8, minBatchSize: 2 })).toMatchObject({ stepped: 30, batches: 4 });
  });

  it('halves after each hold an API writer waited through, down to its least: 8, 4, then 2 at a time', async () => {
    const { runner, cells } = await thirtyDue(() => Atomics.store(cells, WAITING, 1));
    // 8 + 4 + 9 × 2
    expect(runner.tick(w.clock.now(), { batchSize: 8, minBatchSize: 2 })).toMatchObject({ stepped: 30, batches: 11 });
    Atomics.store(cells, WAITING, 0);
  });

  it('grows back once the API writer has gone: 8, 4, 2, then 4, 8 …', async () => {
    const { runner, cells } = await thirtyDue((k) => Atomics.store(cells, WAITING, k < 3 ? 1 : 0));
    // 8 + 4 + 2 + 4 + 8, and the last 4
    expect(runner.tick(w.clock.now(), { batchSize: 8, minBatchSize: 2 })).toMatchObject({ stepped: 30, batches: 6 });
  });

  it('keeps the tick to its budget of batchSize × maxBatches runs however small its batches', async () => {
    const { runner, cells } = await thirtyDue(() => Atomics.store(cells, WAITING, 1));
    // 8 + 4 + 2 + 2 = 16 ≥ 8 × 2
    expect(runner.tick(w.clock.now(), { batchSize: 8, maxBatches: 2, minBatchSize: 2 })).toMatchObject({ stepped: 16, batches: 4, backlog: true });
    Atomics.store(cells, WAITING, 0);
  });
});
