import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { rejection } from '../../testing/rejection';
import { smsThenCallGraph } from '../../../shared/fixtures/builders';
import { journeyVersions } from '../../db/schema';

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld();
});
afterEach(() => w.close());

describe('journeys router', () => {
  it('seeds one draft journey per blueprint into an empty workspace, once', async () => {
    expect(w.services.journeys.seedBlueprints('demo')).toBe(6);
    expect(w.services.journeys.seedBlueprints('demo')).toBe(0);
    const list = await w.caller.journeys.list();
    expect(list).toHaveLength(6);
    expect(new Set(list.map((j) => j.blueprint))).toEqual(new Set((await w.caller.journeys.blueprints()).map((b) => b.key)));
    for (const j of list) {
      expect(j.status).toBe('draft');
      expect(j.errorCount).toBe(0);
      expect(j.nodeCount).toBeGreaterThan(2);
    }
  });

  it('lists each draft with its current error count: after a draft edit, and after the segment it names is created', async () => {
    const { id } = await w.caller.journeys.create({ name: 'Later segment' });
    const listed = async () => (await w.caller.journeys.list()).find((j) => j.id === id);
    expect(await listed()).toMatchObject({ errorCount: 1, nodeCount: 0 });
    const graph = smsThenCallGraph();
    const entry = graph.nodes.find((n) => n.kind === 'trigger.segment' || n.kind === 'trigger.event');
    if (!entry) throw new Error('fixture has no entry');
    entry.kind = 'trigger.segment';
    entry.config = { segment: 'not_yet_saved', schedule: { every: 'once' }, order: 'newest_first' };
    await w.caller.journeys.saveDraft({ id, graph });
    expect(await listed()).toMatchObject({ errorCount: 1, nodeCount: graph.nodes.length });
    await w.caller.segments.save({ key: 'not_yet_saved', name: 'Saved later', rules: { match: 'all', conditions: [{ type: 'trait', trait: 'cohort', op: 'eq', value: 'a' }] } });
    expect(await listed()).toMatchObject({ errorCount: 0, nodeCount: graph.nodes.length });
  });

  it('creates a blank journey whose draft reports the missing entry', async () => {
    const { id } = await w.caller.journeys.create({ name: 'Win-back' });
    const j = await w.caller.journeys.get({ id });
    expect(j.name).toBe('Win-back');
    expect(j.draft.nodes).toEqual([]);
    expect(j.errors.map((e) => e.code)).toEqual(['no_entry']);
    expect(j.version).toBeNull();
  });

  it('creates from a blueprint, and names the bad blueprint key', async () => {
    const [bp] = await w.caller.journeys.blueprints();
    const { id } = await w.caller.journeys.create({ blueprint: bp?.key });
    const j = await w.caller.journeys.get({ id });
    expect(j.name).toBe(bp?.name);
    expect(j.draft.nodes.length).toBeGreaterThan(0);
    const e = await rejection(w.caller.journeys.create({ blueprint: 'nope' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('"nope"');
  });

  it('saves a draft with mistakes and returns its located compile errors', async () => {
    const { id } = await w.caller.journeys.create({});
    const graph = smsThenCallGraph();
    graph.edges = graph.edges.filter((e) => e.sourcePort !== 'timeout');
    const saved = await w.caller.journeys.saveDraft({ id, graph });
    expect(saved.errors).toContainEqual(expect.objectContaining({ code: 'unwired_port', nodeId: 'wait', field: 'ports.timeout' }));
    expect((await w.caller.journeys.get({ id })).draft.edges).toHaveLength(graph.edges.length);
  });

  it('rejects a malformed graph with BAD_REQUEST naming the field, and stores nothing', async () => {
    const { id } = await w.caller.journeys.create({});
    const bad = { ...smsThenCallGraph(), nodes: [{ id: 'x', kind: 'teleport', position: { x: 0, y: 0 }, config: {} }] };
    // @ts-expect-error: the kind is deliberately not a node kind
    const e = await rejection(w.caller.journeys.saveDraft({ id, graph: bad }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('teleport');
    expect((await w.caller.journeys.get({ id })).draft.nodes).toEqual([]);
  });

  it('refuses to publish a draft with errors, listing them', async () => {
    const { id } = await w.caller.journeys.create({});
    const e = await rejection(w.caller.journeys.publish({ id }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.cause).toMatchObject({ details: { errors: [expect.objectContaining({ code: 'no_entry' })] } });
    expect(w.db.select().from(journeyVersions).all()).toEqual([]);
  });

  it('publishes immutable numbered versions with their compiled machine', async () => {
    const [bp] = await w.caller.journeys.blueprints();
    const { id } = await w.caller.journeys.create({ blueprint: bp?.key });
    expect(await w.caller.journeys.publish({ id })).toEqual({ version: 1 });
    const draft = (await w.caller.journeys.get({ id })).draft;
    w.clock.advance(60_000);
    await w.caller.journeys.saveDraft({ id, graph: { ...draft, nodes: draft.nodes.map((n, i) => (i === 0 ? { ...n, title: 'Renamed' } : n)) } });
    expect(await w.caller.journeys.publish({ id })).toEqual({ version: 2 });
    const j = await w.caller.journeys.get({ id });
    expect(j.status).toBe('live');
    expect(j.version).toBe(2);
    expect(j.versions.map((v) => [v.version, v.publishedBy])).toEqual([
      [2, 'tester'],
      [1, 'tester'],
    ]);
    const rows = w.db.select().from(journeyVersions).orderBy(journeyVersions.version).all();
    expect(rows[0]?.graph.nodes[0]?.title).not.toBe('Renamed');
    expect(rows[1]?.graph.nodes[0]?.title).toBe('Renamed');
    expect(rows[1]?.machine.entry).toBe(draft.nodes.find((n) => n.kind.startsWith('trigger.'))?.id);
  });

  it('answers NOT_FOUND for an unknown journey', async () => {
    const e = await rejection(w.caller.journeys.get({ id: 'missing' }));
    expect(e.code).toBe('NOT_FOUND');
  });
});
