import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { HOUR, MINUTE } from '../../shared/util/time';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** credit_rejected → SMS → wait an hour → push */
const smsThenPush = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('wait', 'wait.duration', { amount: 1, unit: 'hours' })
    .node('push', 'send', { channel: 'push', template: 'idle_push' })
    .node('done', 'exit', {})
    .then('entry', 'sms')
    .then('sms', 'wait')
    .then('wait', 'push')
    .then('push', 'done')
    .build();

describe('outbox', () => {
  let w: TestWorld;
  beforeEach(() => {
    w = aTestWorld(NOON_SH);
  });
  afterEach(() => w.close());

  const track = (userId: string) => w.services.ingest.ingest([{ type: 'track', userId, event: 'credit_rejected' }]);

  it("lists a journey's messages newest first across its nodes, within the limit, and no other journey's", async () => {
    const id = await w.publish(smsThenPush(), 'Recall');
    const other = await w.publish(smsThenPush(), 'Other');
    track('a');
    track('b');
    await w.caller.dev.advanceClock({ ms: 0 }); // a's and b's SMS, at noon
    await w.caller.dev.advanceClock({ ms: HOUR }); // their pushes, at 13:00
    await w.caller.dev.advanceClock({ ms: 30 * MINUTE });
    track('c');
    await w.caller.dev.advanceClock({ ms: 0 }); // c's SMS, at 13:30

    const list = await w.caller.channels.outbox({ journeyId: id });
    const seen = list.map((m) => [m.externalId, m.nodeId, m.createdAt]);
    expect(seen).toEqual([
      ['c', 'sms', NOON_SH + 90 * MINUTE],
      ['b', 'push', NOON_SH + HOUR],
      ['a', 'push', NOON_SH + HOUR],
      ['b', 'sms', NOON_SH],
      ['a', 'sms', NOON_SH],
    ]);
    expect(list.every((m) => m.journeyId === id)).toBe(true);
    // the other journey's own rows (the caps held some of its messages back)
    const others = await w.caller.channels.outbox({ journeyId: other });
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((m) => m.journeyId === other)).toBe(true);
    expect((await w.caller.channels.outbox({ journeyId: id, limit: 3 })).map((m) => [m.externalId, m.nodeId])).toEqual([
      ['c', 'sms'],
      ['b', 'push'],
      ['a', 'push'],
    ]);
    expect((await w.caller.channels.outbox({ journeyId: id, externalId: 'a' })).map((m) => m.nodeId)).toEqual(['push', 'sms']);
    // ids break ties between messages of one instant, newest first
    const ties = list.filter((m) => m.createdAt === NOON_SH + HOUR);
    expect(ties[0]!.id).toBeGreaterThan(ties[1]!.id);
  });

  it('still lists the messages of a node a later version of the journey removed', async () => {
    const id = await w.publish(smsThenPush(), 'Recall');
    track('a');
    await w.caller.dev.advanceClock({ ms: 0 });
    const smsOnly = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('push2', 'send', { channel: 'push', template: 'idle_push' })
      .node('done', 'exit', {})
      .then('entry', 'push2')
      .then('push2', 'done')
      .build();
    const { errors } = await w.caller.journeys.saveDraft({ id, graph: smsOnly });
    expect(errors).toEqual([]);
    await w.caller.journeys.publish({ id });
    track('b');
    await w.caller.dev.advanceClock({ ms: 0 });
    expect((await w.caller.channels.outbox({ journeyId: id })).map((m) => [m.externalId, m.nodeId, m.version])).toEqual([
      ['b', 'push2', 2],
      ['a', 'sms', 1],
    ]);
  });

  it('keeps no index by journey alone, so a queued message writes one B-tree fewer; a node of the journey reads newest first from messages_node', () => {
    const indexes = (w.db.$client.pragma('index_list(messages)') as { name: string; partial: number }[]).map((i) => [i.name, i.partial]).sort();
    expect(indexes).toEqual([
      // a node's clicked messages, for its funnel: written only by a first click
      ['messages_clicked', 1],
      // dead letters by channel and error: written only when a message dies
      ['messages_dead', 1],
      // a paused journey's held messages, for its resume: written only when a pause holds one
      ['messages_held', 1],
      ['messages_key', 0],
      ['messages_node', 0],
      ['messages_queue', 1],
      // the messages out with a provider, for taking back an expired lease: written by a claim and its settle
      ['messages_sending', 1],
      ['messages_template', 1],
    ]);
    const plan = w.sql<{ detail: string }>(
      `explain query plan select m.id, m.status from messages m where m.journey_id = ? and m.node_id = ? order by m.created_at desc, m.id desc limit 10`,
      'j',
      'sms',
    );
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH m USING INDEX messages_node (journey_id=? AND node_id=?)']);
  });
});
