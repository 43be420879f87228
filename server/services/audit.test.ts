import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';
import { createCaller } from '../trpc/root';
import { smsThenCallGraph } from '../../shared/fixtures/builders';
import type { ContactPolicy } from '../../shared/policy/policy';
import type { RuleSet } from '../../shared/segments/rules';

const T0 = Date.UTC(2026, 10, 2, 2, 0);

let w: TestWorld;
/** wall-clock time as the audit log sees it (the journey clock is separate) */
let wall: number;
beforeEach(() => {
  wall = T0;
  w = aTestWorld(T0, { wallNow: () => wall });
});
afterEach(() => w.close());

interface Row {
  id: number;
  at: number;
  actor_id: string | null;
  actor_login: string | null;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  diff: string | null;
  request_id: string | null;
  ip: string | null;
}
const rows = (): Row[] => w.sql<Row>('select * from audit_events order by id');
const diffOf = (r: Row | undefined): unknown => (r?.diff ? JSON.parse(r.diff) : null);
/** Rows written by the calls in `f`. */
async function rowsOf(f: () => Promise<unknown>): Promise<Row[]> {
  const last = rows().at(-1)?.id ?? 0;
  await f();
  return rows().filter((r) => r.id > last);
}

const aRule: RuleSet = { match: 'all', conditions: [{ type: 'trait', trait: 'os', op: 'eq', value: 'android' }] };
const storedPolicy = (): ContactPolicy => JSON.parse(w.sql<{ policy: string }>('select policy from workspace')[0]?.policy ?? 'null') as ContactPolicy;

describe('every mutation writes one audit row in its transaction', () => {
  it('policy.set: who, what, which object, and the changed cap before → after', async () => {
    const policy = await w.caller.policy.get();
    const caps = policy.caps.map((c, i) => (i === 0 ? { ...c, max: 2 } : c));
    const written = await rowsOf(() => w.caller.policy.set({ ...policy, caps }));
    expect(written).toHaveLength(1);
    const [row] = written;
    expect(row).toMatchObject({ at: T0, actor_login: 'tester', actor_name: 'tester', action: 'policy.set', object_type: 'policy', object_id: 'workspace' });
    expect(row?.actor_id).toBe(w.services.users.list().find((u) => u.login === 'tester')?.id);
    // arrays are compared whole: the diff holds the caps before and after, and nothing else
    expect(diffOf(row)).toEqual({ caps: [policy.caps, caps] });
  });

  it('users.update: the roles before → after, on the user', async () => {
    const { user } = w.as(['viewer'], 'vera');
    const [row, ...more] = await rowsOf(() => w.caller.users.update({ id: user.id, roles: ['viewer', 'operator'] }));
    expect(more).toEqual([]);
    expect(row).toMatchObject({ action: 'users.update', object_type: 'user', object_id: user.id });
    expect(diffOf(row)).toEqual({ roles: [['viewer'], ['viewer', 'operator']] });
  });

  it('journeys.saveDraft: the graph changes in words', async () => {
    const { id } = await w.caller.journeys.create({ name: 'Recall' });
    const [row] = await rowsOf(() => w.caller.journeys.saveDraft({ id, graph: smsThenCallGraph() }));
    expect(row).toMatchObject({ action: 'journeys.saveDraft', object_type: 'journey', object_id: id });
    const diff = diffOf(row) as { draft?: string[] };
    expect(diff.draft?.length).toBeGreaterThan(0);
    expect(diff.draft?.join('\n')).toMatch(/added/i);
  });

  it('a create names the object it made (the id comes from the result)', async () => {
    const written = await rowsOf(() => w.caller.journeys.create({ name: 'Fresh' }));
    const id = (await w.caller.journeys.list()).find((j) => j.name === 'Fresh')?.id;
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ action: 'journeys.create', object_type: 'journey', object_id: id });
    expect(diffOf(written[0])).toMatchObject({ '(value)': [null, { name: 'Fresh', status: 'draft', version: null }] });
  });

  it('keeps the request id and IP it is given', async () => {
    const user = w.services.users.list().find((u) => u.login === 'tester');
    if (!user) throw new Error('no tester');
    const caller = createCaller({ services: w.services, clock: w.clock, user, actor: user.displayName, ip: '10.1.2.3', requestId: 'req-42' });
    const [row] = await rowsOf(() => caller.workspace.setApprovals({ on: true }));
    expect(row).toMatchObject({ action: 'workspace.setApprovals', request_id: 'req-42', ip: '10.1.2.3' });
    expect(diffOf(row)).toEqual({ approvals: [false, true] });
  });

  it('rotating the write key logs only the last four characters of either key', async () => {
    const old = w.services.workspace.settings().writeKey;
    const [row] = await rowsOf(() => w.caller.workspace.rotateWriteKey({ graceHours: 0 }));
    const fresh = w.services.workspace.settings().writeKey;
    expect(row?.diff).not.toContain(old);
    expect(row?.diff).not.toContain(fresh);
    expect(diffOf(row)).toMatchObject({ writeKey: [`…${old.slice(-4)}`, `…${fresh.slice(-4)}`] });
  });

  it('an approval is one row on the request, pending → approved', async () => {
    await w.caller.workspace.setApprovals({ on: true });
    const { id } = await w.caller.journeys.create({ name: 'Recall' });
    await w.caller.journeys.saveDraft({ id, graph: smsThenCallGraph() });
    const r = await w.caller.journeys.publish({ id });
    if (!('request' in r)) throw new Error('expected a request');
    const anna = w.as(['approver'], 'anna').caller;
    const written = await rowsOf(() => anna.approvals.approve({ id: r.request.id }));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ action: 'approvals.approve', object_type: 'approval', object_id: r.request.id, actor_login: 'anna' });
    expect(diffOf(written[0])).toMatchObject({ status: ['pending', 'approved'] });
  });

  it('a procedure driving the engine (dev.advanceClock) is logged after it ends', async () => {
    const written = await rowsOf(() => w.caller.dev.advanceClock({ ms: 60_000 }));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ action: 'dev.advanceClock', object_type: 'clock', object_id: 'clock' });
    expect(diffOf(written[0])).toMatchObject({ input: { ms: 60_000 } });
  });

  it('queries write nothing', async () => {
    const written = await rowsOf(async () => {
      await w.caller.journeys.list();
      await w.caller.policy.get();
      await w.caller.users.list();
      await w.caller.audit.list({});
      await w.caller.templates.get({ key: 'recall_sms' });
      await w.caller.workspace.get();
    });
    expect(written).toEqual([]);
  });
});

describe('a failing change leaves no row and no change', () => {
  it('publishing a draft with errors', async () => {
    const { id } = await w.caller.journeys.create({});
    const written = await rowsOf(async () => expect((await rejection(w.caller.journeys.publish({ id }))).code).toBe('BAD_REQUEST'));
    expect(written).toEqual([]);
    expect(w.sql('select * from journey_versions')).toEqual([]);
  });

  it('policy.set with a bad input, and policy.set by a non-admin', async () => {
    const policy = await w.caller.policy.get();
    const operator = w.as(['operator'], 'olga').caller;
    const written = await rowsOf(async () => {
      expect((await rejection(w.caller.policy.set({ ...policy, caps: [{ channel: 'sms', max: -1, windowHours: 24 }] }))).code).toBe('BAD_REQUEST');
      expect((await rejection(operator.policy.set({ ...policy, caps: [] }))).code).toBe('FORBIDDEN');
    });
    expect(written).toEqual([]);
    expect(storedPolicy()).toEqual(policy);
  });

  it('a refused last-admin change', async () => {
    const tester = w.services.users.list().find((u) => u.login === 'tester');
    const written = await rowsOf(async () => expect((await rejection(w.caller.users.update({ id: tester?.id ?? '', active: false }))).code).toBe('CONFLICT'));
    expect(written).toEqual([]);
  });

  describe('when the audit row cannot be written, the change is rolled back', () => {
    beforeEach(() => {
      w.db.$client.exec(`CREATE TRIGGER audit_broken BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit is broken'); END`);
    });

    it('segments.save stores no segment', async () => {
      const e = await rejection(w.caller.segments.save({ key: 'dormant_android', name: 'Dormant', rules: aRule }));
      expect(e.message).toContain('audit is broken');
      expect(w.sql(`select key from segments where key = 'dormant_android'`)).toEqual([]);
      w.db.$client.exec('DROP TRIGGER audit_broken');
      expect((await rejection(w.caller.segments.get({ key: 'dormant_android' }))).code).toBe('NOT_FOUND');
    });

    it('policy.set leaves the stored policy as it was', async () => {
      const policy = storedPolicy();
      const e = await rejection(w.caller.policy.set({ ...policy, caps: [] }));
      expect(e.message).toContain('audit is broken');
      expect(storedPolicy()).toEqual(policy);
      expect(rows()).toEqual([]);
    });

    it('journeys.publish writes no version and the journey stays a draft', async () => {
      w.db.$client.exec('DROP TRIGGER audit_broken');
      const { id } = await w.caller.journeys.create({ name: 'Recall' });
      await w.caller.journeys.saveDraft({ id, graph: smsThenCallGraph() });
      w.db.$client.exec(`CREATE TRIGGER audit_broken BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit is broken'); END`);
      await rejection(w.caller.journeys.publish({ id }));
      expect(w.sql('select * from journey_versions')).toEqual([]);
      expect(w.sql<{ status: string }>('select status from journeys where id = ?', id)[0]?.status).toBe('draft');
    });

    it('users.create makes no user', async () => {
      await rejection(w.caller.users.create({ login: 'ghost', displayName: 'Ghost', password: 'a-long-password', roles: ['viewer'] }));
      expect(w.sql(`select id from users where login = 'ghost'`)).toEqual([]);
    });
  });

  it('the next change after a rolled-back one goes through (the transaction queue is not stuck)', async () => {
    await rejection(w.caller.policy.set({ caps: [{ channel: 'sms', max: -1, windowHours: 24 }], quietHours: [] }));
    const written = await rowsOf(() => w.caller.segments.save({ key: 'after_failure', name: 'After', rules: aRule }));
    expect(written).toHaveLength(1);
  });

  it('concurrent mutations each get their own row', async () => {
    const written = await rowsOf(() =>
      Promise.all([w.caller.segments.save({ key: 'one', name: 'One', rules: aRule }), w.caller.segments.save({ key: 'two', name: 'Two', rules: aRule }), w.caller.journeys.create({ name: 'Three' })]),
    );
    expect(written.map((r) => r.action).sort()).toEqual(['journeys.create', 'segments.save', 'segments.save']);
    expect(
      written
        .filter((r) => r.action === 'segments.save')
        .map((r) => r.object_id)
        .sort(),
    ).toEqual(['one', 'two']);
  });
});

describe('audit_events is append-only', () => {
  it('refuses UPDATE and DELETE', async () => {
    await w.caller.workspace.setApprovals({ on: true });
    expect(rows()).toHaveLength(1);
    expect(() => w.db.$client.exec(`UPDATE audit_events SET actor_login = 'someone-else'`)).toThrow(/append-only/);
    expect(() => w.db.$client.exec('DELETE FROM audit_events')).toThrow(/append-only/);
    expect(rows()).toHaveLength(1);
    expect(rows()[0]?.actor_login).toBe('tester');
  });
});

describe('passwords never reach the log', () => {
  it('users.create, users.resetPassword and auth.changePassword keep no password', async () => {
    const created = await rowsOf(() => w.caller.users.create({ login: 'vera', displayName: 'Vera', password: 'first-secret-pw', roles: ['viewer'] }));
    const vera = w.services.users.list().find((u) => u.login === 'vera');
    if (!vera) throw new Error('vera missing');
    expect(created[0]).toMatchObject({ action: 'users.create', object_type: 'user', object_id: vera.id });
    expect(diffOf(created[0])).toEqual({ '(value)': [null, { login: 'vera', displayName: 'Vera', roles: ['viewer'], active: true }] });

    const reset = await rowsOf(() => w.caller.users.resetPassword({ id: vera.id, password: 'second-secret-pw' }));
    expect(reset).toHaveLength(1);
    expect(reset[0]).toMatchObject({ action: 'users.resetPassword', object_id: vera.id });
    // nothing a snapshot shows changed: the row keeps the input, starred
    expect(diffOf(reset[0])).toEqual({ input: { id: vera.id, password: '***' }, result: { ok: true } });

    const veraCaller = createCaller({ services: w.services, clock: w.clock, user: vera, actor: vera.displayName, ip: null, requestId: null });
    const changed = await rowsOf(() => veraCaller.auth.changePassword({ current: 'second-secret-pw', password: 'third-secret-pw' }));
    expect(changed[0]).toMatchObject({ action: 'auth.changePassword', actor_login: 'vera' });
    expect(diffOf(changed[0])).toEqual({ input: { current: '***', password: '***' }, result: { ok: true } });

    const all = JSON.stringify(rows());
    for (const secret of ['first-secret-pw', 'second-secret-pw', 'third-secret-pw', 'scrypt$']) expect(all).not.toContain(secret);
  });
});

describe('audit.list', () => {
  /** three actors, three kinds of change, an hour apart */
  async function history() {
    const olga = w.as(['operator'], 'olga');
    const cora = w.as(['copywriter'], 'cora');
    wall = T0 + 3_600_000;
    await olga.caller.segments.save({ key: 'seg_a', name: 'A', rules: aRule });
    wall = T0 + 2 * 3_600_000;
    await olga.caller.segments.save({ key: 'seg_b', name: 'B', rules: aRule });
    wall = T0 + 3 * 3_600_000;
    const t = await w.caller.templates.get({ key: 'recall_call' });
    await cora.caller.templates.save({ draft: { key: t.key, channel: t.channel, name: t.name, description: 'new', category: t.category, locale: 'zh-CN', variants: t.variants } });
    wall = T0 + 4 * 3_600_000;
    await w.caller.workspace.setApprovals({ on: true });
  }

  it('lists newest first and filters by actor, action, object and time', async () => {
    await history();
    const analyst = w.as(['analyst'], 'ana').caller;
    const all = await analyst.audit.list({});
    expect(all.rows.map((r) => r.action)).toEqual(['workspace.setApprovals', 'templates.save', 'segments.save', 'segments.save']);
    expect(all.next).toBeNull();
    expect(all.rows[0]).toMatchObject({
      at: T0 + 4 * 3_600_000,
      actor: { login: 'tester', displayName: 'tester' },
      objectType: 'workspace',
      objectId: 'workspace',
      diff: { approvals: [false, true] },
    });

    expect((await analyst.audit.list({ actor: 'olga' })).rows.map((r) => r.objectId)).toEqual(['seg_b', 'seg_a']);
    expect((await analyst.audit.list({ action: 'templates.save' })).rows.map((r) => r.actor?.login)).toEqual(['cora']);
    expect((await analyst.audit.list({ objectType: 'segment' })).rows).toHaveLength(2);
    expect((await analyst.audit.list({ objectType: 'segment', objectId: 'seg_a' })).rows.map((r) => r.at)).toEqual([T0 + 3_600_000]);
    expect((await analyst.audit.list({ from: T0 + 2 * 3_600_000, to: T0 + 3 * 3_600_000 })).rows.map((r) => r.action)).toEqual(['templates.save', 'segments.save']);
    expect((await analyst.audit.list({ actor: 'nobody' })).rows).toEqual([]);
  });

  it('pages with `next`', async () => {
    await history();
    const first = await w.caller.audit.list({ limit: 3 });
    expect(first.rows).toHaveLength(3);
    expect(first.next).toBe(first.rows[2]?.id);
    const second = await w.caller.audit.list({ limit: 3, before: first.next ?? undefined });
    expect(second.rows.map((r) => r.action)).toEqual(['segments.save']);
    expect(second.next).toBeNull();
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(4);
  });

  it('offers the actions, object types and actors it holds as facets', async () => {
    await history();
    expect(await w.caller.audit.facets()).toEqual({
      actions: ['segments.save', 'templates.save', 'workspace.setApprovals'],
      objectTypes: ['segment', 'template', 'workspace'],
      actors: [
        { login: 'cora', displayName: 'cora' },
        { login: 'olga', displayName: 'olga' },
        { login: 'tester', displayName: 'tester' },
      ],
    });
  });
});
