import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import type { Call } from '../ingest/calls';

const T0 = Date.UTC(2026, 10, 2, 2, 0);
const track = (userId: string, event: string, extra: Partial<Call> = {}): Call => ({ type: 'track', userId, event, properties: {}, ...extra }) as Call;

/** Events of the SDK's batches go in bulk where they route nowhere; these prove the bulk path loses nothing the one-by-one path did. */
describe('ingesting a batch in bulk', () => {
  let w: TestWorld;
  beforeEach(() => {
    w = aTestWorld(T0);
  });
  afterEach(() => w.close());

  const runOf = (userId: string) =>
    w.sql<{ node_id: string; status: string; waiting_for: string | null; exit_reason: string | null }>(
      'select r.node_id, r.status, r.waiting_for, r.exit_reason from runs r join contacts c on c.id = r.contact_id where c.external_id = ?',
      userId,
    );

  it('routes an event that a run came to wait for earlier in the same batch', async () => {
    await w.publish(
      aGraph()
        .node('entry', 'trigger.event', { event: 'start' })
        .node('a', 'wait.event', { event: 'step_a', timeout: { amount: 1, unit: 'days' } })
        .node('b', 'wait.event', { event: 'step_b', timeout: { amount: 1, unit: 'days' } })
        .node('got', 'exit', { reason: 'got_b' })
        .node('late', 'exit', { reason: 'late' })
        .then('entry', 'a')
        .then('a', 'b', 'event')
        .then('a', 'late', 'timeout')
        .then('b', 'got', 'event')
        .then('b', 'late', 'timeout')
        .build(),
    );
    w.services.ingest.ingest([{ type: 'identify', userId: 'u1', traits: {} }, track('u1', 'start')]);
    await w.services.engine.tick(w.clock.now());
    expect(runOf('u1')).toMatchObject([{ node_id: 'a', waiting_for: 'step_a' }]);
    // step_b is awaited by nobody when the batch starts; step_a moves the run to wait for it
    const report = w.services.ingest.ingest([track('u1', 'screen_x'), track('u1', 'step_a'), track('u1', 'step_b'), track('u1', 'screen_y')]);
    expect(report).toEqual({ accepted: 4, duplicates: 0 });
    expect(runOf('u1')).toMatchObject([{ status: 'exited', exit_reason: 'got_b' }]);
  });

  it('appends in the calls’ order, with a contact an identify in the batch creates, and duplicates counted once each', () => {
    w.services.ingest.ingest([{ type: 'identify', userId: 'old', traits: {} }]);
    const report = w.services.ingest.ingest([
      track('old', 'e1', { messageId: 'm1' }),
      { type: 'identify', userId: 'new', traits: { name: 'Li' } },
      track('new', 'e2', { messageId: 'm2' }),
      track('old', 'e3', { messageId: 'm1' }),
      track('old', 'e4'),
    ]);
    expect(report).toEqual({ accepted: 4, duplicates: 1 });
    expect(w.sql('select c.external_id, e.name from events e join contacts c on c.id = e.contact_id order by e.id')).toEqual([
      { external_id: 'old', name: 'e1' },
      { external_id: 'new', name: 'e2' },
      { external_id: 'old', name: 'e4' },
    ]);
    // the same message ids in a later batch are duplicates
    expect(w.services.ingest.ingest([track('old', 'e1', { messageId: 'm1' }), track('new', 'e2', { messageId: 'm2' })])).toEqual({ accepted: 0, duplicates: 2 });
  });

  it('a track after an alias in the same batch lands on the merged contact', () => {
    w.services.ingest.ingest([
      { type: 'identify', userId: 'known', traits: {} },
      { type: 'track', anonymousId: 'dev-1', event: 'opened', properties: {} },
    ]);
    w.services.ingest.ingest([{ type: 'alias', userId: 'known', previousId: 'dev-1' }, track('known', 'after')]);
    expect(w.sql('select c.external_id, e.name from events e join contacts c on c.id = e.contact_id order by e.id')).toEqual([
      { external_id: 'known', name: 'opened' },
      { external_id: 'known', name: 'after' },
    ]);
  });

  it('ingests batches that commit together as one, each with the report it would have had alone', () => {
    const batches: Call[][] = [
      [{ type: 'identify', userId: 'old', traits: {} }, track('old', 'e1', { messageId: 'm1' })],
      [],
      // a repeat of the first batch's message id, and a contact the first batch named
      [track('old', 'e2', { messageId: 'm1' }), { type: 'identify', userId: 'new', traits: {} }, track('new', 'e3', { messageId: 'm2' })],
      [track('new', 'e4', { messageId: 'm2' }), track('new', 'e5', { messageId: 'm3' }), track('old', 'e6')],
    ];
    const events = (world: TestWorld) => world.sql('select c.external_id, e.name, e.message_id from events e join contacts c on c.id = e.contact_id order by e.id');
    const apart = aTestWorld(T0);
    try {
      const one = batches.map((b) => apart.services.ingest.ingest(b));
      expect(w.services.ingest.ingestMany(batches)).toEqual(one);
      expect(one).toEqual([
        { accepted: 2, duplicates: 0 },
        { accepted: 0, duplicates: 0 },
        { accepted: 2, duplicates: 1 },
        { accepted: 2, duplicates: 1 },
      ]);
      expect(events(w)).toEqual(events(apart));
    } finally {
      apart.close();
    }
  });
});
