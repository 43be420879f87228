import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';

let w: TestWorld;
afterEach(() => w.close());

describe('contacts.timeline is bounded by its limit', () => {
  it('in runs too, newest first: a contact in many journeys does not return every run it ever had', async () => {
    w = aTestWorld();
    const waitsOn = (event: string) =>
      aGraph().node('entry', 'trigger.event', { event }).node('wait', 'wait.duration', { amount: 1, unit: 'days' }).node('done', 'exit', {}).then('entry', 'wait').then('wait', 'done').build();
    await w.publish(waitsOn('app_login'), 'First');
    await w.publish(waitsOn('app_login'), 'Second');
    await w.publish(waitsOn('app_login'), 'Third');
    w.services.ingest.ingest([{ type: 'track', userId: 'lin', event: 'app_login' }]);
    await w.services.engine.tick(w.clock.now());

    expect((await w.caller.contacts.timeline({ externalId: 'lin' })).runs).toHaveLength(3);
    const two = await w.caller.contacts.timeline({ externalId: 'lin', limit: 2 });
    expect(two.runs).toHaveLength(2);
    // the newest: entered together, so the later run ids
    const ids = w.sql<{ id: number }>('select id from runs order by id desc').map((r) => r.id);
    expect(two.runs.map((r) => r.id)).toEqual(ids.slice(0, 2));
  });
});

describe('contacts.timeline names nodes as the version the contact went through has them', () => {
  it('gives each step, message and run its node title and kind (an untitled node its kind), so the page says "Recall SMS", not sms_1', async () => {
    w = aTestWorld(Date.UTC(2026, 10, 2, 4, 0));
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'ping' }, 'Pinged')
      .node('sms_1', 'send', { channel: 'sms', template: 'recall_sms', whenCapped: 'skip' }, 'Recall SMS')
      .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
      .node('done', 'exit', {})
      .then('entry', 'sms_1')
      .then('sms_1', 'wait')
      .then('wait', 'done')
      .build();
    await w.publish(graph, 'Named');
    w.services.ingest.ingest([{ type: 'identify', userId: 'lin', traits: { phone: '+8613800000001' } }]);
    w.services.ingest.ingest([{ type: 'track', userId: 'lin', event: 'ping' }]);
    await w.services.engine.tick(w.clock.now());
    const t = await w.caller.contacts.timeline({ externalId: 'lin' });
    expect(Object.fromEntries(t.steps.map((s) => [s.node_id, [s.node_title, s.node_kind]]))).toEqual({
      entry: ['Pinged', 'trigger.event'],
      sms_1: ['Recall SMS', 'send'],
      wait: [null, 'wait.duration'],
    });
    expect(t.messages.map((m) => [m.node_id, m.node_title, m.node_kind])).toEqual([['sms_1', 'Recall SMS', 'send']]);
    expect(t.runs.map((r) => [r.node_id, r.node_title, r.node_kind])).toEqual([['wait', null, 'wait.duration']]);
  });
});
