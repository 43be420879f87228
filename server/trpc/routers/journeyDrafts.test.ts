import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { rejection } from '../../testing/rejection';
import { aGraph, smsThenCallGraph } from '../../../shared/fixtures/builders';
import { MINUTE } from '../../../shared/util/time';

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld();
});
afterEach(() => w.close());

interface AuditRow {
  action: string;
  actor_login: string | null;
  object_type: string | null;
  object_id: string | null;
  diff: string | null;
}
/** The audit rows the calls in `f` wrote. */
async function audited(f: () => Promise<unknown>): Promise<(AuditRow & { changes: Record<string, unknown> })[]> {
  const last = w.sql<{ id: number }>('select max(id) id from audit_events')[0]?.id ?? 0;
  await f();
  return w
    .sql<AuditRow>('select action, actor_login, object_type, object_id, diff from audit_events where id > ? order by id', last)
    .map((r) => ({ ...r, changes: r.diff ? (JSON.parse(r.diff) as Record<string, unknown>) : {} }));
}

/** entry → exit: compiles, so it can be published */
const tiny = () => aGraph().node('entry', 'trigger.event', { event: 'signup' }).node('done', 'exit').then('entry', 'done').build();

describe('journeys.describe / rename', () => {
  it('renames and re-describes, trimmed, recording who and when; the audit row shows before → after', async () => {
    const { id } = await w.caller.journeys.create({ name: 'Recall' });
    const { caller: ops } = w.as(['operator'], 'ops@example');
    w.clock.advance(MINUTE);
    const rows = await audited(async () => {
      expect(await ops.journeys.rename({ id, name: '  Recall, day 1  ' })).toEqual({ id, name: 'Recall, day 1', updatedAt: w.clock.now() });
      expect(await ops.journeys.describe({ id, description: '  Users who registered but never logged in.  ' })).toEqual({
        id,
        description: 'Users who registered but never logged in.',
        updatedAt: w.clock.now(),
      });
    });
    expect(await w.caller.journeys.get({ id })).toMatchObject({ name: 'Recall, day 1', description: 'Users who registered but never logged in.', updatedBy: 'ops@example', updatedAt: w.clock.now() });
    expect(rows.map((r) => [r.action, r.object_id, r.actor_login])).toEqual([
      ['journeys.rename', id, 'ops@example'],
      ['journeys.describe', id, 'ops@example'],
    ]);
    expect(rows[1]?.changes).toEqual({ description: ['', 'Users who registered but never logged in.'] });
    // an empty description is allowed; too long is not
    await ops.journeys.describe({ id, description: '' });
    expect((await w.caller.journeys.get({ id })).description).toBe('');
    expect((await rejection(ops.journeys.describe({ id, description: 'x'.repeat(1001) }))).code).toBe('BAD_REQUEST');
  });
});

describe('journeys.duplicate', () => {
  it('copies the draft and description into a new draft journey, "Copy of …" unless named; the original is untouched', async () => {
    const id = await w.publish(smsThenCallGraph(), 'Recall');
    await w.caller.journeys.describe({ id, description: 'The recall flow' });
    const original = await w.caller.journeys.get({ id });
    const rows = await audited(async () => {
      const copy = await w.caller.journeys.duplicate({ id });
      expect(copy.name).toBe('Copy of Recall');
      const j = await w.caller.journeys.get({ id: copy.id });
      expect(j).toMatchObject({ name: 'Copy of Recall', description: 'The recall flow', status: 'draft', version: null, blueprint: null, versions: [] });
      expect(j.draft).toEqual(original.draft);
    });
    // audited on the copy, which it shows whole
    const list = await w.caller.journeys.list();
    const copy = list.find((j) => j.name === 'Copy of Recall');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'journeys.duplicate', object_type: 'journey', object_id: copy?.id });
    expect(rows[0]?.changes).toMatchObject({ '(value)': [null, { name: 'Copy of Recall', status: 'draft' }] });
    expect(await w.caller.journeys.get({ id })).toEqual(original);
    // named, and an archived journey can be copied (that is how it comes back)
    await w.caller.journeys.archive({ id });
    const named = await w.caller.journeys.duplicate({ id, name: 'Recall v2' });
    expect((await w.caller.journeys.get({ id: named.id })).status).toBe('draft');
    expect((await rejection(w.caller.journeys.duplicate({ id: 'nope' }))).code).toBe('NOT_FOUND');
  });
});

describe('journeys.version / restoreVersion', () => {
  it('shows an old version read-only and restores it as the draft; publishing it makes the next version', async () => {
    const id = await w.publish(tiny(), 'Two versions');
    await w.caller.journeys.saveDraft({ id, graph: smsThenCallGraph() });
    await w.caller.journeys.publish({ id });
    await w.caller.journeys.saveDraft({ id, graph: { ...smsThenCallGraph(), nodes: smsThenCallGraph().nodes.map((n) => (n.id === 'sms' ? { ...n, title: 'Edited, unpublished' } : n)) } });

    const v1 = await w.caller.journeys.version({ id, version: 1 });
    expect(v1).toMatchObject({ version: 1, publishedBy: 'tester', errors: [] });
    expect(v1.graph).toEqual(tiny());
    expect((await rejection(w.caller.journeys.version({ id, version: 9 }))).code).toBe('NOT_FOUND');

    w.clock.advance(MINUTE);
    const rows = await audited(async () => {
      expect(await w.caller.journeys.restoreVersion({ id, version: 1 })).toEqual({ restored: 1, errors: [], updatedAt: w.clock.now() });
    });
    const j = await w.caller.journeys.get({ id });
    expect(j.draft).toEqual(tiny());
    // restoring is a draft edit: nothing published, the live version is still v2
    expect(j).toMatchObject({ status: 'live', version: 2 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'journeys.restoreVersion', object_type: 'journey', object_id: id });
    expect((rows[0]?.changes.draft as string[]).join('\n')).toMatch(/removed/i);
    expect(await w.caller.journeys.publish({ id })).toEqual({ version: 3 });
    expect((await w.caller.journeys.version({ id, version: 3 })).graph).toEqual(tiny());
  });

  it('refuses to restore into an archived journey, or a version that does not exist', async () => {
    const id = await w.publish(tiny(), 'Archived');
    expect((await rejection(w.caller.journeys.restoreVersion({ id, version: 2 }))).code).toBe('NOT_FOUND');
    await w.caller.journeys.archive({ id });
    const e = await rejection(w.caller.journeys.restoreVersion({ id, version: 1 }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/archived/);
  });
});

describe('who may', () => {
  it('operators rename, describe, duplicate and restore; a viewer (and an analyst) only looks at versions', async () => {
    const id = await w.publish(tiny(), 'Roles');
    for (const roles of [['viewer'], ['analyst', 'copywriter', 'approver']] as const) {
      const { caller } = w.as([...roles]);
      expect((await caller.journeys.version({ id, version: 1 })).version).toBe(1);
      for (const call of [
        caller.journeys.rename({ id, name: 'x' }),
        caller.journeys.describe({ id, description: 'x' }),
        caller.journeys.duplicate({ id }),
        caller.journeys.restoreVersion({ id, version: 1 }),
      ]) {
        const e = await rejection(call);
        expect(e.code).toBe('FORBIDDEN');
        expect(e.message).toMatch(/needs the operator role/);
      }
    }
    expect((await w.caller.journeys.get({ id })).name).toBe('Roles');
    expect(await w.caller.journeys.list()).toHaveLength(1);
    const { caller: ops } = w.as(['operator']);
    await ops.journeys.duplicate({ id });
    expect(await w.caller.journeys.list()).toHaveLength(2);
  });
});
