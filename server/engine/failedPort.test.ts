import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph, smsOrCallGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import { awaitingMessage } from '../../shared/journey/run';
import { HOUR, MINUTE } from '../../shared/util/time';
import type { ChannelProvider, DeliveryResult } from '../channels/provider';
import type { DispatcherOptions } from './dispatcher';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way of SMS or calls. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** An SMS gateway that answers each message by its recipient's external id. */
function aGateway(answer: (externalId: string) => DeliveryResult): ChannelProvider & { keys: string[] } {
  const keys: string[] = [];
  return {
    name: 'test-sms',
    keys,
    send(msg) {
      keys.push(msg.key);
      return Promise.resolve(answer(msg.to.externalId ?? ''));
    },
  };
}

const refused: DeliveryResult = { status: 'failed', retry: false, error: 'invalid number' };
const busy: DeliveryResult = { status: 'failed', retry: true, error: 'gateway timeout' };

interface RunRow {
  external_id: string;
  status: string;
  node_id: string;
  waiting_for: string | null;
  wake_at: number | null;
  held_wake_at: number | null;
  exit_reason: string | null;
}

describe('a send node’s failed port in the engine', () => {
  let w: TestWorld;
  afterEach(() => w.close());

  function world(sms: ChannelProvider, dispatcher: Partial<DispatcherOptions> = {}): TestWorld {
    w = aTestWorld(NOON_SH, { providers: { sms }, dispatcher });
    return w;
  }
  const advance = (ms: number) => w.caller.dev.advanceClock({ ms });
  const enter = (...userIds: string[]) => w.services.ingest.ingest(userIds.map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })));
  const runs = (): RunRow[] =>
    w.sql<RunRow>(`select c.external_id, r.status, r.node_id, r.waiting_for, r.wake_at, r.held_wake_at, r.exit_reason from runs r join contacts c on c.id = r.contact_id order by c.external_id`);
  const exits = () => Object.fromEntries(runs().map((r) => [r.external_id, r.exit_reason]));
  const messages = (channel: string) =>
    w.sql<{ external_id: string; status: string }>(`select c.external_id, m.status from messages m join contacts c on c.id = m.contact_id where m.channel = ? order by c.external_id`, channel);
  const edges = (journeyId: string) =>
    Object.fromEntries(
      w
        .sql<{ label: string; count: number }>(`select label, sum(count) count from metrics where journey_id = ? and node_id = 'sms' and metric = 'edge' group by label`, journeyId)
        .map((m) => [m.label, m.count]),
    );

  it('each contact goes by its own message’s outcome: refused for good → failed port (the robo-call), delivered → next', async () => {
    const gw = aGateway((id) => (Number(id.slice(1)) % 2 === 1 ? refused : { status: 'delivered' }));
    world(gw);
    const id = await w.publish(smsOrCallGraph(), 'SMS or call');
    const contacts = Array.from({ length: 10 }, (_, i) => `c${i}`);
    enter(...contacts);

    // the runner sends and the runs wait at the SMS for its outcome, at most two days
    w.services.engine.runner.tick(w.clock.now());
    expect(runs().map((r) => [r.node_id, r.status, r.waiting_for, r.wake_at])).toEqual(contacts.map(() => ['sms', 'waiting', awaitingMessage, NOON_SH + 2 * 24 * HOUR]));

    await advance(0);
    const odd = (c: string) => Number(c.slice(1)) % 2 === 1;
    expect(messages('sms').map((m) => m.status)).toEqual(contacts.map((c) => (odd(c) ? 'failed' : 'delivered')));
    expect(exits()).toEqual(Object.fromEntries(contacts.map((c) => [c, odd(c) ? 'fell_back' : 'sms_sent'])));
    expect(messages('voice').map((m) => m.external_id)).toEqual(contacts.filter(odd));
    expect(edges(id)).toEqual({ next: 5, failed: 5 });
    // everyone has left the SMS node: its "waiting now" gauge is back to 0
    expect(w.sql(`select g.active from node_gauges g join journey_versions v on v.id = g.version_id where v.journey_id = ? and g.node_id = 'sms'`, id)).toEqual([{ active: 0 }]);
  });

  it('a message that dies (its retry horizon passed) takes the failed port too', async () => {
    const gw = aGateway(() => busy);
    world(gw, { retry: { horizonMs: 10 * MINUTE } });
    await w.publish(smsOrCallGraph(), 'SMS or call');
    enter('a');
    await advance(0);
    expect(runs()[0]).toMatchObject({ node_id: 'sms', waiting_for: awaitingMessage });
    await advance(HOUR);
    expect(messages('sms')).toEqual([{ external_id: 'a', status: 'dead' }]);
    expect(gw.keys.length).toBeGreaterThan(1);
    expect(exits()).toEqual({ a: 'fell_back' });
    expect(messages('voice')).toHaveLength(1);
  });

  it('without the failed port nothing changes: the run goes on as the SMS is queued, whatever becomes of it', async () => {
    world(aGateway(() => refused));
    const g = smsOrCallGraph();
    const gone = ['call', 'fell_back'];
    const unrouted: JourneyGraph = { ...g, nodes: g.nodes.filter((n) => !gone.includes(n.id)), edges: g.edges.filter((e) => !gone.includes(e.source) && !gone.includes(e.target)) };
    await w.publish(unrouted, 'SMS only');
    enter('a');
    w.services.engine.runner.tick(w.clock.now());
    // gone past the SMS before it was even handed to the gateway
    expect(runs()[0]).toMatchObject({ status: 'exited', exit_reason: 'sms_sent', waiting_for: null });
    expect(messages('sms')).toEqual([{ external_id: 'a', status: 'queued' }]);
    await advance(0);
    expect(messages('sms')).toEqual([{ external_id: 'a', status: 'failed' }]);
    expect(exits()).toEqual({ a: 'sms_sent' });
  });

  it('an outcome that comes while the journey is paused waits for the resume, as a timer would', async () => {
    let answer!: (r: DeliveryResult) => void;
    const gated: ChannelProvider = { name: 'gated', send: () => new Promise<DeliveryResult>((r) => (answer = r)) };
    world(gated);
    const id = await w.publish(smsOrCallGraph(), 'SMS or call');
    enter('a');
    w.services.engine.runner.tick(w.clock.now());
    const out = w.services.engine.dispatcher.dispatch(w.clock.now());
    await w.caller.journeys.pause({ id }); // while the SMS is with the gateway
    expect(runs()[0]).toMatchObject({ wake_at: null, held_wake_at: NOON_SH + 2 * 24 * HOUR });
    answer(refused);
    await out;
    // the failure is recorded and the run due at once, but parked with the journey's other timers
    expect(messages('sms')).toEqual([{ external_id: 'a', status: 'failed' }]);
    expect(runs()[0]).toMatchObject({ node_id: 'sms', status: 'waiting', wake_at: null, held_wake_at: NOON_SH });
    await advance(HOUR);
    expect(runs()[0]).toMatchObject({ node_id: 'sms', status: 'waiting' });
    await w.caller.journeys.resume({ id });
    await advance(0);
    expect(exits()).toEqual({ a: 'fell_back' });
  });

  it('no outcome within the node’s timeout: the run takes the failed port, and the late answer moves nothing', async () => {
    let answer!: (r: DeliveryResult) => void;
    const gated: ChannelProvider = { name: 'gated', send: () => new Promise<DeliveryResult>((r) => (answer = r)) };
    world(gated);
    await w.publish(smsOrCallGraph({ outcomeTimeout: { amount: 30, unit: 'minutes' } }), 'SMS or call');
    enter('a');
    w.services.engine.runner.tick(w.clock.now());
    const out = w.services.engine.dispatcher.dispatch(w.clock.now());
    expect(w.services.engine.runner.tick(NOON_SH + 30 * MINUTE - 1).stepped).toBe(0);
    expect(w.services.engine.runner.tick(NOON_SH + 30 * MINUTE).stepped).toBe(1);
    expect(runs()[0]).toMatchObject({ status: 'exited', exit_reason: 'fell_back' });
    answer({ status: 'delivered' });
    await out;
    expect(messages('sms')).toEqual([{ external_id: 'a', status: 'delivered' }]);
    expect(runs()[0]).toMatchObject({ status: 'exited', exit_reason: 'fell_back', wake_at: null });
  });

  it('a run at a wait node is never woken by a message of its own from an earlier node', async () => {
    world(aGateway(() => refused));
    // the SMS routes nothing (no failed port): its run waits a day at the next node, and the SMS failing must not cut that short
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
      .node('done', 'exit', { reason: 'waited' })
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'done')
      .build();
    await w.publish(g, 'SMS then wait');
    enter('a');
    await advance(0);
    expect(messages('sms')).toEqual([{ external_id: 'a', status: 'failed' }]);
    expect(runs()[0]).toMatchObject({ node_id: 'wait', status: 'waiting', wake_at: NOON_SH + 24 * HOUR });
  });
});
