import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { DAY } from '../../shared/util/time';
import { loopLimitReason } from '../../shared/journey/loops';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** approved → robo-call → wait 3 days (at most twice round) → the call again; leaves after the third call. */
const callEveryThreeDays = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_approved' })
    .node('call', 'send', { channel: 'voice', template: 'approved_call' })
    .node('wait', 'wait.duration', { amount: 3, unit: 'days', maxVisits: 2 })
    .then('entry', 'call')
    .then('call', 'wait')
    .then('wait', 'call')
    .settings({ reentry: { policy: 'after_exit' } })
    .build();

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld(NOON_SH);
});
afterEach(() => w.close());

const calls = () => w.sql<{ n: number }>(`select count(*) n from messages where channel = 'voice'`)[0]?.n;
const theRun = () => w.sql<{ status: string; exit_reason: string | null; laps: string | null; node_id: string }>(`select status, exit_reason, laps, node_id from runs`)[0];

describe('engine: a loop limit through the runner and the run store', () => {
  it('a robo-call looped back to its wait calls at most the compile bound, then the contact leaves with loop_limit; re-entry counts again', async () => {
    const id = await w.publish(callEveryThreeDays(), 'Call until approved');
    const [v] = w.sql<{ machine: string }>(`select machine from journey_versions where journey_id = ?`, id);
    expect((JSON.parse(v!.machine) as { maxMessages: { voice: number } }).maxMessages.voice).toBe(3);

    w.services.ingest.ingest([{ type: 'track', userId: 'u1', event: 'credit_approved', properties: {} }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(theRun()).toMatchObject({ status: 'waiting', node_id: 'wait', laps: '{"wait":1}' });
    // far longer than three rounds: the limit, not the clock, ends it
    for (let d = 0; d < 5; d++) await w.caller.dev.advanceClock({ ms: 3 * DAY });
    expect(calls()).toBe(3);
    expect(theRun()).toMatchObject({ status: 'exited', exit_reason: loopLimitReason, node_id: 'wait' });
    expect(w.sql(`select node_id, label, count from metrics where metric = 'exited'`)).toEqual([{ node_id: 'wait', label: loopLimitReason, count: 1 }]);

    // entering again (after_exit) starts a fresh count
    w.services.ingest.ingest([{ type: 'track', userId: 'u1', event: 'credit_approved', properties: {} }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect(theRun()).toMatchObject({ status: 'waiting', laps: '{"wait":1}' });
    expect(calls()).toBe(4);
  });
});
