import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { signIn, trpcClient } from '../testing/signIn';
import { aGraph } from '../../shared/fixtures/builders';
import type { Role } from '../../shared/auth/roles';

const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** The audience export over real HTTP: a real server, a real SQLite file, signed-in users of each role. */
describe('POST /export/audience.csv', () => {
  let w: HttpWorld;
  afterEach(() => w.close());

  const password = 'export-test-password';
  const userAs = async (role: Role): Promise<string> => {
    await w.trpc.users.create.mutate({ login: role, displayName: `The ${role}`, password, roles: [role] });
    return signIn(w.server.url, role, password);
  };
  const exportAs = (cookie: string, body: unknown, headers: Record<string, string> = { 'x-journeys-client': 'test' }) =>
    fetch(`${w.server.url}/export/audience.csv`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const rowsOf = async (res: Response): Promise<string[][]> => parse(await res.text(), { bom: true });

  /** 30 gold contacts (names with a comma, a quote, Chinese), 10 silver */
  async function population(): Promise<void> {
    const calls = Array.from({ length: 40 }, (_, i) => ({
      type: 'identify',
      userId: `u${String(i).padStart(2, '0')}`,
      messageId: `id-${i}`,
      traits: { plan: i < 30 ? 'gold' : 'silver', phone: `+86138${String(10_000_000 + i)}`, name: i === 0 ? 'Li, "Lucky" 李' : `name ${i}` },
    }));
    expect((await w.ingest('batch', { batch: calls })).status).toBe(200);
    await w.trpc.segments.save.mutate({ key: 'gold', name: 'Gold', rules: { match: 'all', conditions: [{ type: 'trait', trait: 'plan', op: 'eq', value: 'gold' }] } });
  }

  it('streams a segment with the chosen columns: exact rows in id order, the total in X-Total-Rows, full phones for an analyst, in the audit log', async () => {
    w = await anHttpWorld(NOON_SH);
    await population();
    const analyst = await userAs('analyst');
    const res = await exportAs(analyst, { source: { kind: 'segment', segment: 'gold' }, columns: ['external_id', 'name', 'phone', 'trait:plan', 'sleeping_since'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('x-total-rows')).toBe('30');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="gold.csv"');
    const [header, ...rows] = await rowsOf(res);
    expect(header).toEqual(['external_id', 'name', 'phone', 'trait:plan', 'sleeping_since']);
    expect(rows).toHaveLength(30);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 30 }, (_, i) => `u${String(i).padStart(2, '0')}`));
    expect(rows[0]).toEqual(['u00', 'Li, "Lucky" 李', '+8613810000000', 'gold', '']);
    expect(rows.every((r) => r[3] === 'gold')).toBe(true);

    const audit = await w.trpc.audit.list.query({ action: 'audience.export' });
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({
      actor: { login: 'analyst' },
      objectType: 'segment',
      objectId: 'gold',
      diff: { columns: ['external_id', 'name', 'phone', 'trait:plan', 'sleeping_since'], rows: 30, phonesMasked: false },
    });
  });

  it('masks phones for an operator, refuses a viewer, a cross-site call and no session, and names a bad column or an unknown segment', async () => {
    w = await anHttpWorld(NOON_SH);
    await population();
    const operator = await userAs('operator');
    const masked = await rowsOf(await exportAs(operator, { source: { kind: 'segment', segment: 'gold' }, columns: ['external_id', 'phone'] }));
    expect(masked[1]).toEqual(['u00', '+86138****0000']);
    expect(masked.slice(1).every((r) => /^\+86138\*{4}\d{4}$/.test(r[1] ?? ''))).toBe(true);
    expect((await w.trpc.audit.list.query({ action: 'audience.export' })).rows[0]).toMatchObject({ actor: { login: 'operator' }, diff: { phonesMasked: true } });

    const viewer = await userAs('viewer');
    const refused = await exportAs(viewer, { source: { kind: 'segment', segment: 'gold' }, columns: ['phone'] });
    expect(refused.status).toBe(403);
    // each refusal with its stable code, which the client words in the reader's language (issue 18)
    expect(await refused.json()).toEqual({ error: 'exporting an audience needs the analyst or operator role', messageRef: { code: 'export_needs_role', params: { what: 'audience' } } });
    const crossSite = await exportAs(operator, { source: { kind: 'segment', segment: 'gold' }, columns: ['phone'] }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ messageRef: { code: 'cross_site_refused', params: {} } });
    const anonymous = await exportAs('', { source: { kind: 'segment', segment: 'gold' }, columns: ['phone'] });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ messageRef: { code: 'sign_in_first', params: {} } });

    const bad = await exportAs(operator, { source: { kind: 'segment', segment: 'gold' }, columns: ['phone', 'password'] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      field: 'columns.1',
      error: expect.stringContaining('columns.1: a column is one of external_id') as unknown,
      messageRef: null,
      issues: [expect.objectContaining({ path: 'columns.1', code: 'invalid_format' })],
    });
    const unknown = await exportAs(operator, { source: { kind: 'segment', segment: 'platinum' }, columns: ['phone'] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'segment "platinum" does not exist', messageRef: { code: 'not_found', params: { what: 'segment', id: 'platinum' } } });
    // refusals export nothing, so they are not in the audit log
    expect((await w.trpc.audit.list.query({ action: 'audience.export' })).rows).toHaveLength(1);
  });

  it('exports the contacts waiting at a node of a live journey', async () => {
    w = await anHttpWorld(NOON_SH);
    await population();
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'app_login' })
      .node('wait', 'wait.duration', { amount: 3, unit: 'days' })
      .node('done', 'exit', { reason: 'done' })
      .then('entry', 'wait')
      .then('wait', 'done')
      .build();
    const { id } = await w.trpc.journeys.create.mutate({ name: 'waiting' });
    await w.trpc.journeys.saveDraft.mutate({ id, graph });
    await w.trpc.journeys.publish.mutate({ id });
    expect((await w.ingest('batch', { batch: ['u03', 'u05', 'u31'].map((userId, i) => ({ type: 'track', userId, event: 'app_login', messageId: `t-${i}` })) })).status).toBe(200);
    await w.trpc.dev.advanceClock.mutate({ ms: 0 });
    const analyst = await userAs('analyst');
    const res = await exportAs(analyst, { source: { kind: 'node', journeyId: id, nodeId: 'wait', waitingOnly: true }, columns: ['external_id'] });
    expect(res.headers.get('x-total-rows')).toBe('3');
    expect(await rowsOf(res)).toEqual([['external_id'], ['u03'], ['u05'], ['u31']]);
    const none = await exportAs(analyst, { source: { kind: 'node', journeyId: id, nodeId: 'done' }, columns: ['external_id'] });
    expect(await rowsOf(none)).toEqual([['external_id']]);
  });

  it('streams 50,000 contacts in order, every one, while the API keeps writing', async () => {
    w = await anHttpWorld(NOON_SH);
    const side = new Database(w.dbPath);
    side
      .prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < 50000)
         insert into contacts (external_id, phone, traits, opt_outs, created_at, updated_at) select 'bulk' || i, '+86139' || printf('%08d', i), json_object('plan', 'gold'), '[]', 0, 0 from n`,
      )
      .run();
    side.close();
    await w.trpc.segments.save.mutate({ key: 'gold', name: 'Gold', rules: { match: 'all', conditions: [{ type: 'trait', trait: 'plan', op: 'eq', value: 'gold' }] } });
    const analyst = trpcClient(w.server.url, await userAs('analyst'));
    const cookie = await signIn(w.server.url, 'analyst', password);
    const res = await exportAs(cookie, { source: { kind: 'segment', segment: 'gold' }, columns: ['external_id', 'phone'] });
    expect(res.headers.get('x-total-rows')).toBe('50000');
    // read slowly at first: the server waits for the socket, and meanwhile an API write goes through
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect((await w.ingest('identify', { userId: 'late', traits: { plan: 'gold' } })).status).toBe(200);
    expect((await analyst.contacts.search.query({ q: 'late' }))[0]?.externalId).toBe('late');
    const parts = [Buffer.from(first.value as Uint8Array)];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
    }
    const rows = parse(Buffer.concat(parts).toString('utf8'), { bom: true });
    // one snapshot: the contact who arrived during the export is not in it
    expect(rows).toHaveLength(50_001);
    expect(rows[1]).toEqual(['bulk1', '+8613900000001']);
    expect(rows[50_000]).toEqual(['bulk50000', '+8613900050000']);
  });
});
