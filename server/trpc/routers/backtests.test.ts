import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TRPCError } from '@trpc/server';
import type { TestWorld } from '../../testing/harness';
import type { JourneyGraph } from '../../../shared/journey/graph';
import { DAY, HOUR } from '../../../shared/util/time';
import { E, S, aRecordedWorld, blueprint1, fixture, timeOf } from '../../backtest/testFixture';
import { startBacktestThread } from '../../backtest/thread/client';

/**
 * backtests.*: operators start and cancel, everyone reads; the job runs on its
 * own thread over a copy, so the live tables are exactly as they were; a live
 * journey is compared with its draft over the same window.
 */

let w: TestWorld;
afterEach(async () => {
  await w.services.backtests.settle({ terminate: true });
  w.close();
});

/** Blueprint 1 live since S, the recorded week ingested at its times by the live engine, the clock at the week's end. */
async function aLiveWeek(): Promise<string> {
  w = aRecordedWorld(S - HOUR);
  const sim = w.services.simulation;
  if (!sim) throw new Error('a test world has a fake clock');
  await sim.advance(HOUR);
  const id = await w.publish(blueprint1(), 'Recall');
  for (const call of fixture().during) {
    if (timeOf(call) > w.clock.now()) await sim.advance(timeOf(call) - w.clock.now());
    w.services.ingest.ingest([call]);
  }
  await sim.advance(E - w.clock.now());
  return id;
}

/** The draft without the robo-call: whoever does not log in within 3 days is done. */
function withoutCall(g: JourneyGraph): JourneyGraph {
  const nodes = g.nodes.filter((n) => n.id !== 'call_1' && n.id !== 'wait_2d');
  const edges = g.edges
    .filter((e) => !['call_1', 'wait_2d'].includes(e.source) && e.target !== 'call_1')
    .concat([{ id: 'wait_login-timeout-exit_done', source: 'wait_login', sourcePort: 'timeout', target: 'exit_done' }]);
  return { ...g, nodes, edges };
}

/** Every table but the backtests' own, the audit log and the migrations' record, each as a count and a hash of its rows. */
const liveTables = () => w.tableDigests(['backtests', 'audit_events', '__drizzle_migrations']);

const code = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );

vi.setConfig({ testTimeout: 60_000 });

describe('backtests: the draft of a live journey over its last week', () => {
  it('replays on a copy: the live tables are untouched, and draft and live version are compared', async () => {
    const id = await aLiveWeek();
    const operator = w.as(['operator']).caller;
    await operator.journeys.saveDraft({ id, graph: withoutCall(blueprint1()) });
    const before = liveTables();
    expect(Number(before.runs?.split(':')[0])).toBeGreaterThan(10);

    const started = await operator.backtests.start({ journeyId: id, from: '2026-11-02', to: '2026-11-08' });
    expect(started).toMatchObject({ status: 'running', from: S, to: E, liveVersion: 1, stale: false, result: null });
    await w.services.backtests.settle();
    const done = await operator.backtests.latest({ journeyId: id });

    expect(liveTables()).toEqual(before);
    expect(done).toMatchObject({ id: started.id, status: 'done', progress: 1, error: null });
    const r = done?.result;
    if (!r) throw new Error('no result');
    // the live version replayed over the same week matches what the live engine did in it
    const overlay = w.services.analytics.journeyOverlay({ journeyId: id, version: 1 });
    for (const [node, n] of Object.entries(r.live?.nodes ?? {}))
      expect({ node, entered: n.entered, sent: n.sent }).toEqual({ node, entered: overlay.nodes[node]?.entered ?? 0, sent: overlay.nodes[node]?.sent ?? 0 });
    // the draft calls no one, to the same people
    expect(r.draft.nodes.call_1).toBeUndefined();
    expect(r.comparison).toEqual(
      expect.arrayContaining([
        { what: 'entered', draft: r.live?.entered, live: r.live?.entered, change: 0 },
        { what: 'voice sent', draft: 0, live: r.live?.nodes.call_1?.sent, change: -1 },
        expect.objectContaining({ what: 'sms sent', change: 0 }),
      ]),
    );
    expect(r.live?.label).toBe('v1');
    expect(r.draft.label).toBe('draft');

    // the result is kept with the draft, and says so once the draft moves on
    await operator.journeys.saveDraft({ id, graph: blueprint1() });
    expect(await operator.backtests.get({ id: started.id })).toMatchObject({ status: 'done', stale: true });
  });
});

describe('backtests: who may', () => {
  it('operators start and cancel; viewers read the result but may do neither', async () => {
    w = aRecordedWorld(E + DAY, { during: true });
    const { id } = await w.caller.journeys.create({ name: 'Recall draft', blueprint: 'registered_never_logged_in' });
    const viewer = w.as(['viewer']).caller;
    const analyst = w.as(['analyst', 'copywriter', 'approver']).caller;
    const operator = w.as(['operator']).caller;

    expect(await code(viewer.backtests.start({ journeyId: id }))).toBe('FORBIDDEN');
    expect(await code(analyst.backtests.start({ journeyId: id }))).toBe('FORBIDDEN');
    const started = await operator.backtests.start({ journeyId: id, from: '2026-11-02', to: '2026-11-08' });
    expect(await code(viewer.backtests.cancel({ id: started.id }))).toBe('FORBIDDEN');
    // one at a time: a second start while one runs is refused
    expect(await code(operator.backtests.start({ journeyId: id }))).toBe('CONFLICT');
    await w.services.backtests.settle();

    expect(await viewer.backtests.latest({ journeyId: id })).toMatchObject({ id: started.id, status: 'done', startedBy: 'operator', liveVersion: null });
    expect((await viewer.backtests.get({ id: started.id })).result?.draft.entered).toBeGreaterThan(5);
    expect(await code(operator.backtests.cancel({ id: started.id }))).toBe('CONFLICT');
    expect(w.sql(`select action, object_type, object_id from audit_events where action like 'backtests.%'`)).toEqual([{ action: 'backtests.start', object_type: 'journey', object_id: id }]);
  });

  it('refuses a draft with problems, a window in the future or too long, an unknown journey', async () => {
    w = aRecordedWorld(E + DAY);
    const { id } = await w.caller.journeys.create({ name: 'Empty' });
    const operator = w.as(['operator']).caller;
    expect(await code(operator.backtests.start({ journeyId: id }))).toBe('BAD_REQUEST');
    const { id: ok } = await w.caller.journeys.create({ name: 'Recall', blueprint: 'registered_never_logged_in' });
    expect(await code(operator.backtests.start({ journeyId: ok, from: '2026-12-01' }))).toBe('BAD_REQUEST');
    expect(await code(operator.backtests.start({ journeyId: ok, from: '2026-01-01', to: '2026-11-01' }))).toBe('BAD_REQUEST');
    expect(await code(operator.backtests.start({ journeyId: 'nope' }))).toBe('NOT_FOUND');
    expect(await operator.backtests.latest({ journeyId: ok })).toBeNull();
  });
});

describe('backtests: cancel', () => {
  it('a backtest cancelled before its thread starts ends cancelled, by whom, without a result', async () => {
    w = aRecordedWorld(E + DAY, { during: true });
    const { id } = await w.caller.journeys.create({ name: 'Recall', blueprint: 'registered_never_logged_in' });
    const operator = w.as(['operator']).caller;
    const started = await operator.backtests.start({ journeyId: id });
    await operator.backtests.cancel({ id: started.id });
    await w.services.backtests.settle();
    expect(await operator.backtests.get({ id: started.id })).toMatchObject({ status: 'cancelled', cancelledBy: 'operator', result: null });
  });

  it('the thread stops at its first check once the flag is up, and reports progress until then', async () => {
    w = aRecordedWorld(E + DAY, { during: true });
    const { id } = await w.caller.journeys.create({ name: 'Recall', blueprint: 'registered_never_logged_in' });
    const job = { sourcePath: w.dbPath, journeyId: id, name: 'Recall', draft: blueprint1(), live: null, from: S, to: E };
    const dir = mkdtempSync(join(tmpdir(), 'backtest-thread-'));
    try {
      const progress: [number, string][] = [];
      const running = startBacktestThread({ ...job, workDir: dir }, (p, phase) => progress.push([p, phase]));
      running.cancel();
      expect(await running.outcome).toEqual({ status: 'cancelled' });
      expect(progress[0]).toEqual([0, 'copying']);

      const finished: [number, string][] = [];
      const again = startBacktestThread({ ...job, workDir: dir }, (p, phase) => finished.push([p, phase]));
      expect(await again.outcome).toMatchObject({ status: 'done', result: { from: S, to: E } });
      expect(finished[0]).toEqual([0, 'copying']);
      expect(finished.at(-1)).toEqual([1, 'replaying draft']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
