import { afterEach, describe, expect, it } from 'vitest';
import { compiled, sendOnEventGraph, smsOrCallGraph } from '../../shared/fixtures/builders';
import { aTestWorld, type TestWorld } from '../testing/harness';
import type { CompiledJourney } from '../../shared/journey/machine';
import { SleepingRule } from '../../shared/policy/guardrails';
import type { JourneyGraph } from '../../shared/journey/graph';
import { createBacktestEngine, sleepingPassCanMark } from './engine';
import { blueprint1 } from './testFixture';

/**
 * The replay skips the hourly sleeping pass only where it provably marks no
 * one: a journey that admits a contact once sends each at most its compiled
 * bound and finishes at most one run of theirs.
 */
const refs = {
  templates: new Map([
    ['recall_sms', 'sms' as const],
    ['recall_call', 'voice' as const],
  ]),
  segments: new Set(['registered_never_logged_in']),
};
const withReentry = (g: JourneyGraph, policy: 'never' | 'after_exit'): JourneyGraph => ({ ...g, settings: { ...g.settings, reentry: { policy } } });
const rule = (r: Partial<SleepingRule>) => SleepingRule.parse(r);

describe('whether the sleeping pass could mark anyone on a backtest copy', () => {
  const once = compiled(withReentry(blueprint1(), 'never'), refs);

  it('not when each contact enters once and gets fewer messages than the rule counts (the recall blueprint: 2 of 5)', () => {
    expect(sleepingPassCanMark(once, rule({}))).toBe(false);
  });

  it('not when the rule is off', () => {
    expect(sleepingPassCanMark(once, rule({ enabled: false, reminders: 1, journeys: 1 }))).toBe(false);
  });

  it('yes when the bound reaches the reminders, or one finished run is enough', () => {
    expect(sleepingPassCanMark(once, rule({ reminders: 2 }))).toBe(true);
    expect(sleepingPassCanMark(once, rule({ journeys: 1 }))).toBe(true);
  });

  it('yes when contacts may enter again (their messages add up)', () => {
    expect(sleepingPassCanMark(compiled(withReentry(blueprint1(), 'after_exit'), refs), rule({}))).toBe(true);
  });
});

describe("the backtest engine's outbox", () => {
  let w: TestWorld | undefined;
  afterEach(() => w?.close());

  /** A world at `start` with `graph` published, and a backtest engine on its file for that version. */
  async function engineFor(start: number, graph: JourneyGraph, name: string) {
    const world = aTestWorld(start);
    w = world;
    const id = await world.publish(graph, name);
    const machine = world.db.$client.prepare<[string], string>('select machine from journey_versions where journey_id = ?').pluck().get(id) as string;
    return { world, id, engine: createBacktestEngine(world.db, () => world.services.workspace.settings(), JSON.parse(machine) as CompiledJourney) };
  }

  it('delivers every message as the tick queues it: the four hops in its history, and queued, sent and delivered counted once each', async () => {
    const { world, id, engine } = await engineFor(Date.UTC(2026, 10, 2, 4, 0), sendOnEventGraph(), 'SMS'); // noon in Shanghai: no quiet hours
    const now = world.clock.now();
    for (const userId of ['a', 'b', 'c']) world.services.ingest.ingest([{ type: 'track', userId, event: 'credit_rejected' }]);
    expect(engine.tick(now)).toMatchObject({ runs: { queued: 3 } });
    expect(world.sql(`select count(*) n from messages where status = 'queued'`)).toEqual([{ n: 0 }]);
    const messages = world.sql<{ status: string; history: string }>('select status, history from messages');
    expect(messages).toHaveLength(3);
    for (const m of messages) {
      expect(m.status).toBe('delivered');
      expect(JSON.parse(m.history)).toEqual(['queued', 'sending', 'sent', 'delivered'].map((status) => ({ status, at: now })));
    }
    expect(world.sql(`select metric, count from metrics where journey_id = ? and node_id = 'sms' and metric in ('queued', 'sent', 'delivered') order by metric`, id)).toEqual([
      { metric: 'delivered', count: 3 },
      { metric: 'queued', count: 3 },
      { metric: 'sent', count: 3 },
    ]);
  });

  it('a message deferred by quiet hours is delivered when it is queued again, its hops appended to the deferral', async () => {
    const { world, id, engine } = await engineFor(Date.UTC(2026, 10, 2, 15, 0), sendOnEventGraph(), 'SMS'); // 23:00 in Shanghai: quiet hours
    world.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'credit_rejected' }]);
    engine.tick(world.clock.now());
    expect(world.sql('select status from messages')).toEqual([{ status: 'deferred' }]);
    const due = engine.nextTimerDue(world.clock.now()) as number;
    engine.tick(due);
    const [m] = world.sql<{ status: string; history: string }>('select status, history from messages');
    expect(m?.status).toBe('delivered');
    expect((JSON.parse(m?.history ?? '[]') as { status: string; at: number }[]).map((h) => [h.status, h.at === due])).toEqual([
      ['deferred', false],
      ['queued', true],
      ['sending', true],
      ['sent', true],
      ['delivered', true],
    ]);
    expect(world.sql(`select metric, count from metrics where journey_id = ? and node_id = 'sms' and metric in ('deferred', 'queued', 'sent', 'delivered') order by metric`, id)).toEqual([
      { metric: 'deferred', count: 1 },
      { metric: 'delivered', count: 1 },
      { metric: 'queued', count: 1 },
      { metric: 'sent', count: 1 },
    ]);
  });

  it('a run that waits for its message outcome hears "delivered" within the same tick, as the dispatcher would wake it', async () => {
    const { world, engine } = await engineFor(Date.UTC(2026, 10, 2, 4, 0), smsOrCallGraph(), 'SMS or call');
    world.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'credit_rejected' }]);
    engine.tick(world.clock.now());
    expect(world.sql('select status, exit_reason from runs')).toEqual([{ status: 'exited', exit_reason: 'sms_sent' }]);
    expect(world.sql('select channel, status from messages')).toEqual([{ channel: 'sms', status: 'delivered' }]);
  });
});
