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
