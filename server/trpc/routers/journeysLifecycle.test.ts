import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { rejection } from '../../testing/rejection';
import { aGraph } from '../../../shared/fixtures/builders';
import type { JourneyGraph } from '../../../shared/journey/graph';
import { HOUR, MINUTE } from '../../../shared/util/time';

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld();
});
afterEach(() => w.close());

/** credit_rejected → "Wait 3 days" → exit */
const waitGraph = (event = 'credit_rejected'): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.event', { event }, 'Rejected')
    .node('wait', 'wait.duration', { amount: 3, unit: 'days' }, 'Wait 3 days')
    .node('done', 'exit', {})
    .then('entry', 'wait')
    .then('wait', 'done')
    .build();

async function journey(graph: JourneyGraph = waitGraph(), publish = true, name = 'J'): Promise<string> {
  const { id } = await w.caller.journeys.create({ name });
  await w.caller.journeys.saveDraft({ id, graph });
  if (publish) await w.caller.journeys.publish({ id });
  return id;
}

describe('journeys.pause / resume / archive', () => {
  it('walks live → paused → live → archived, recording who and when', async () => {
    const id = await journey();
    const { caller: ops } = w.as(['operator'], 'ops@example');
    w.clock.advance(MINUTE);
    expect(await ops.journeys.pause({ id })).toEqual({ id, status: 'paused', updatedAt: w.clock.now(), updatedBy: 'ops@example' });
    expect(await w.caller.journeys.get({ id })).toMatchObject({ status: 'paused', updatedAt: w.clock.now(), updatedBy: 'ops@example' });
    w.clock.advance(MINUTE);
    expect(await w.caller.journeys.resume({ id })).toEqual({ id, status: 'live', updatedAt: w.clock.now(), updatedBy: 'tester', dueTimers: 'continue' });
    w.clock.advance(MINUTE);
    expect(await ops.journeys.archive({ id })).toEqual({ id, status: 'archived', updatedAt: w.clock.now(), updatedBy: 'ops@example', exited: 0 });
    expect((await w.caller.journeys.list()).find((j) => j.id === id)?.status).toBe('archived');
  });

  it('refuses a transition the status does not allow with CONFLICT, saying why, and changes nothing', async () => {
    const draft = await journey(waitGraph(), false, 'Draft one');
    const live = await journey(waitGraph(), true, 'Live one');
    const cases: [Promise<unknown>, RegExp][] = [
      [w.caller.journeys.pause({ id: draft }), /"Draft one" is a draft; only a live journey can be paused/],
      [w.caller.journeys.resume({ id: draft }), /"Draft one" is a draft; only a paused journey can be resumed/],
      [w.caller.journeys.resume({ id: live }), /"Live one" is live; only a paused journey can be resumed/],
    ];
    for (const [p, message] of cases) {
      const e = await rejection(p);
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toMatch(message);
    }
    await w.caller.journeys.pause({ id: live });
    const twice = await rejection(w.caller.journeys.pause({ id: live }));
    expect([twice.code, twice.message]).toEqual(['CONFLICT', 'journey "Live one" is already paused']);

    await w.caller.journeys.archive({ id: live });
    for (const p of [w.caller.journeys.archive({ id: live }), w.caller.journeys.pause({ id: live }), w.caller.journeys.resume({ id: live }), w.caller.journeys.publish({ id: live })]) {
      const e = await rejection(p);
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toContain('archived');
    }
    const edit = await rejection(w.caller.journeys.saveDraft({ id: live, graph: waitGraph('app_opened') }));
    expect(edit.code).toBe('CONFLICT');
    expect((await w.caller.journeys.get({ id: live })).status).toBe('archived');
    expect((await w.caller.journeys.get({ id: draft })).status).toBe('draft');
  });

  it('archives a draft that was never published', async () => {
    const id = await journey(waitGraph(), false);
    expect(await w.caller.journeys.archive({ id })).toMatchObject({ status: 'archived', exited: 0 });
  });

  it('publishing a paused journey keeps it paused', async () => {
    const id = await journey();
    await w.caller.journeys.pause({ id });
    await w.caller.journeys.saveDraft({ id, graph: waitGraph('credit_approved') });
    expect(await w.caller.journeys.publish({ id })).toEqual({ version: 2 });
    expect((await w.caller.journeys.get({ id })).status).toBe('paused');
  });

  it('answers NOT_FOUND for an unknown journey', async () => {
    for (const p of [w.caller.journeys.pause({ id: 'nope' }), w.caller.journeys.resume({ id: 'nope' }), w.caller.journeys.archive({ id: 'nope' }), w.caller.journeys.rename({ id: 'nope', name: 'x' })])
      expect((await rejection(p)).code).toBe('NOT_FOUND');
  });
});

describe('journeys.rename', () => {
  it('trims the name and records who and when', async () => {
    const id = await journey();
    w.clock.advance(HOUR);
    expect(await w.caller.journeys.rename({ id, name: '  Win-back  ' })).toEqual({ id, name: 'Win-back', updatedAt: w.clock.now() });
    expect(await w.caller.journeys.get({ id })).toMatchObject({ name: 'Win-back', updatedAt: w.clock.now(), updatedBy: 'tester' });
  });

  it('refuses an empty or over-long name with BAD_REQUEST and keeps the old one', async () => {
    const id = await journey(waitGraph(), false, 'Keep me');
    for (const name of ['', '   ', 'x'.repeat(121)]) expect((await rejection(w.caller.journeys.rename({ id, name }))).code).toBe('BAD_REQUEST');
    expect((await w.caller.journeys.rename({ id, name: 'y'.repeat(120) })).name).toHaveLength(120);
    expect(() => w.services.journeys.rename(id, ' '.repeat(5), 'svc')).toThrow(/1 to 120 characters/);
  });
});

describe('journeys.list activeUsers', () => {
  it('counts the runs not exited per journey, exactly', async () => {
    const leaves = waitGraph('credit_rejected');
    leaves.settings.exitCriteria = [{ event: 'credit_granted', filter: [] }];
    const a = await journey(leaves, true, 'A');
    const b = await journey(waitGraph('app_opened'), true, 'B');
    const idle = await journey(waitGraph('never_happens'), true, 'Idle');
    const draft = await journey(waitGraph(), false, 'Draft');
    w.services.ingest.ingest(['u1', 'u2', 'u3'].map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })));
    w.services.ingest.ingest(['u1', 'u4'].map((userId) => ({ type: 'track' as const, userId, event: 'app_opened' })));
    await w.caller.dev.advanceClock({ ms: 0 });
    // u3 leaves A (its exit criteria): an exited run no longer counts
    w.services.ingest.ingest([{ type: 'track', userId: 'u3', event: 'credit_granted' }]);
    expect(w.db.$client.prepare(`select r.exit_reason from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? and c.external_id = 'u3'`).get(a)).toEqual({
      exit_reason: 'exit_criteria:credit_granted',
    });
    const counts = Object.fromEntries((await w.caller.journeys.list()).map((j) => [j.id, j.activeUsers]));
    expect(counts).toEqual({ [a]: 2, [b]: 2, [idle]: 0, [draft]: 0 });
  });
});

describe('journeys.get versions', () => {
  it('gives the published graph and what each version changed from the one before', async () => {
    const id = await journey(waitGraph(), false);
    expect((await w.caller.journeys.get({ id })).published).toBeNull();
    await w.caller.journeys.publish({ id });
    const v1 = (await w.caller.journeys.get({ id })).draft;

    w.clock.advance(HOUR);
    const v2: JourneyGraph = {
      nodes: [
        ...v1.nodes.map((n) => (n.id === 'wait' ? { ...n, config: { amount: 5, unit: 'days' }, position: { x: 300, y: 300 } } : n)),
        { id: 'sms', kind: 'send', title: 'Recall SMS', position: { x: 0, y: 0 }, config: { channel: 'sms', template: 'recall_sms' } },
      ],
      edges: [...v1.edges.filter((e) => e.source !== 'entry'), { id: 'e1', source: 'entry', sourcePort: 'next', target: 'sms' }, { id: 'e2', source: 'sms', sourcePort: 'next', target: 'wait' }],
      settings: { ...v1.settings, goals: [{ event: 'app_login', filter: [], windowDays: 7 }] },
    };
    await w.caller.journeys.saveDraft({ id, graph: v2 });
    await w.caller.journeys.publish({ id });
    // a draft that only moves a node changes nothing: it is not a version
    await w.caller.journeys.saveDraft({ id, graph: { ...v2, nodes: v2.nodes.map((n) => ({ ...n, position: { x: n.position.x + 10, y: n.position.y } })) } });
    const refused = await rejection(w.caller.journeys.publish({ id }));
    expect(refused).toMatchObject({ code: 'CONFLICT', message: 'no changes since v2: the draft does what v2 does' });

    const j = await w.caller.journeys.get({ id });
    expect(j.published).toMatchObject({ version: 2, publishedBy: 'tester', publishedAt: w.clock.now() });
    expect(j.published?.graph.nodes.find((n) => n.id === 'sms')?.position.x).toBe(0);
    expect(j.versions.map((v) => [v.version, v.summary])).toEqual([
      [2, '1 node added, 1 changed, 2 connections added, 1 removed, settings: goals'],
      [1, 'First version'],
    ]);
    expect(j.versions[1]?.changes).toEqual(['First version']);
    expect(j.versions[0]?.changes).toEqual([
      'Changed "Wait 3 days": amount',
      'Added "Recall SMS" (Send message)',
      'Disconnected "Rejected" → "Wait 3 days"',
      'Connected "Rejected" → "Recall SMS"',
      'Connected "Recall SMS" → "Wait 3 days"',
      'Changed settings: goals',
    ]);
    expect(j.versions[0]).toMatchObject({ nodeCount: 4, publishedAt: w.clock.now() });
  });
});
