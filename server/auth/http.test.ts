import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { signIn, testAdmin, testPasswordCost, trpcClient } from '../testing/signIn';
import { startServer } from '../app';
import { FakeClock } from '../clock';
import { clientHeader } from './http';
import { roles, type Role } from '../../shared/auth/roles';
import type { AppRouter } from '../trpc/root';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const password = 'a-long-test-password';

let w: HttpWorld;
let adminCookie: string;
beforeAll(async () => {
  w = await anHttpWorld(T0, { seedDemo: false });
  adminCookie = await signIn(w.server.url, testAdmin.login, testAdmin.password);
}, 30_000);
afterAll(() => w?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${w.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** A user with these roles, made by the admin over HTTP, and a tRPC client signed in as them. */
async function aUser(login: string, userRoles: Role[]) {
  await w.trpc.users.create.mutate({ login, displayName: login, password, roles: userRoles });
  return trpcClient(w.server.url, await signIn(w.server.url, login, password), { batch: false });
}

/** The tRPC error code a call over HTTP failed with. */
async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TRPCClientError);
  return (e as TRPCClientError<AppRouter>).data?.code;
}

describe('POST /auth/sign-in and /auth/sign-out', () => {
  it('answers 204 and sets an HttpOnly, SameSite=Lax session cookie for the whole site (not Secure on plain http)', async () => {
    const res = await post('/auth/sign-in', { login: testAdmin.login, password: testAdmin.password });
    expect(res.status).toBe(204);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jb_session='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/^jb_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toMatch(/Expires=/);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('marks the cookie Secure behind an HTTPS proxy on this machine', async () => {
    const res = await post('/auth/sign-in', { login: testAdmin.login, password: testAdmin.password }, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('jb_session='))).toContain('Secure');
  });

  it('a bad body is 400 naming the missing field', async () => {
    const noPassword = await post('/auth/sign-in', { login: 'admin' });
    expect(noPassword.status).toBe(400);
    expect(await noPassword.json()).toEqual({ error: 'password is required' });
    const noLogin = await post('/auth/sign-in', { password: 'x' });
    expect(noLogin.status).toBe(400);
    expect(await noLogin.json()).toEqual({ error: 'login is required' });
  });

  it('a body that is not JSON, or too large, gets a JSON refusal and no stack trace', async () => {
    const notJson = await post('/auth/sign-in', 'not json');
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/json');
    const body = await notJson.text();
    expect(JSON.parse(body)).toEqual({ error: 'send JSON: {"login","password"}' });
    expect(body).not.toMatch(/SyntaxError|node_modules|\bat /);
    const huge = await post('/auth/sign-in', { login: 'admin', password: 'x'.repeat(10_000) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'the body is too large' });
  });

  it('a wrong password is 401 with the message, and sets no cookie', async () => {
    const res = await post('/auth/sign-in', { login: testAdmin.login, password: 'not-the-password' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'wrong login or password', messageRef: { code: 'wrong_login', params: {} } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('5 wrong passwords lock the login: 429 with the minutes to wait, even for the right password', async () => {
    await w.trpc.users.create.mutate({ login: 'locked-out', displayName: 'Locked', password, roles: ['viewer'] });
    for (let i = 0; i < 5; i++) expect((await post('/auth/sign-in', { login: 'locked-out', password: `guess-${i}` })).status).toBe(401);
    const res = await post('/auth/sign-in', { login: 'locked-out', password });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ error: 'too many failed sign-in attempts; try again in 15 minutes', messageRef: { code: 'sign_in_locked', params: { minutes: 15 } } });
    // another login from the same address is not locked by it
    expect((await post('/auth/sign-in', { login: testAdmin.login, password: testAdmin.password })).status).toBe(204);
  });

  it('a deactivated account is refused with 403, and its open session ends at once', async () => {
    const client = await aUser('leaver', ['operator']);
    expect((await client.auth.me.query()).login).toBe('leaver');
    const id = (await w.trpc.users.list.query()).find((u) => u.login === 'leaver')?.id ?? '';
    await w.trpc.users.update.mutate({ id, active: false });
    expect(await codeOf(client.auth.me.query())).toBe('UNAUTHORIZED');
    const res = await post('/auth/sign-in', { login: 'leaver', password });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'the account "leaver" is deactivated; ask an admin', messageRef: { code: 'account_deactivated', params: { login: 'leaver' } } });
  });

  it('refuses a sign-in posted from another site', async () => {
    const res = await post('/auth/sign-in', { login: testAdmin.login, password: testAdmin.password }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('writes an audit row for the sign-in, with the IP', async () => {
    const before = (await w.trpc.audit.list.query({ action: 'auth.signIn' })).rows.length;
    await signIn(w.server.url, testAdmin.login, testAdmin.password);
    const rows = (await w.trpc.audit.list.query({ action: 'auth.signIn' })).rows;
    expect(rows).toHaveLength(before + 1);
    expect(rows[0]).toMatchObject({ actor: { login: 'admin' }, objectType: 'user', ip: expect.stringMatching(/127\.0\.0\.1|::1/) });
  });

  it('signing out clears the cookie, and the old cookie no longer works', async () => {
    const cookie = await signIn(w.server.url, testAdmin.login, testAdmin.password);
    const client = trpcClient(w.server.url, cookie, { batch: false });
    expect((await client.auth.me.query()).login).toBe('admin');
    const res = await post('/auth/sign-out', {}, { cookie, [clientHeader]: 'test' });
    expect(res.status).toBe(204);
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('jb_session='));
    expect(cleared).toMatch(/^jb_session=;/);
    expect(cleared).toContain('Expires=Thu, 01 Jan 1970');
    expect(await codeOf(client.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('sign-out needs the same-origin check too', async () => {
    const res = await post('/auth/sign-out', {}, { cookie: adminCookie });
    expect(res.status).toBe(403);
    expect((await trpcClient(w.server.url, adminCookie).auth.me.query()).login).toBe('admin');
  });
});

describe('/trpc: a session, and for mutations a same-origin request', () => {
  it('without a cookie: 401 UNAUTHORIZED', async () => {
    const res = await fetch(`${w.server.url}/trpc/journeys.list`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
    expect(await codeOf(trpcClient(w.server.url, 'jb_session=forged').journeys.list.query())).toBe('UNAUTHORIZED');
  });

  const setApprovals = (headers: Record<string, string>) => post('/trpc/workspace.setApprovals', { on: false }, { cookie: adminCookie, ...headers });

  it('a mutation with the cookie but a foreign Origin is 403', async () => {
    const res = await setApprovals({ origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('cross-site') } });
    // even with the client header: a foreign Origin is a foreign request
    expect((await setApprovals({ origin: 'https://evil.example', [clientHeader]: 'x' })).status).toBe(403);
  });

  it('a mutation with the cookie but neither Origin nor the client header is 403', async () => {
    expect((await setApprovals({})).status).toBe(403);
  });

  it('a mutation from our own origin goes through, and so does one with the client header', async () => {
    const same = await setApprovals({ origin: w.server.url });
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ result: { data: { approvals: false } } });
    expect((await setApprovals({ [clientHeader]: 'script' })).status).toBe(200);
  });

  it('a query (GET) needs only the cookie', async () => {
    const res = await fetch(`${w.server.url}/trpc/auth.me`, { headers: { cookie: adminCookie } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { data: { login: 'admin', roles: ['admin'] } } });
  });

  it('refuses a body over 2 MiB', async () => {
    const huge = { key: 'big', name: 'x'.repeat(3 * 1024 * 1024), rules: { match: 'all', conditions: [] } };
    const res = await post('/trpc/segments.save', huge, { cookie: adminCookie, [clientHeader]: 'test' });
    expect(res.status).toBe(413);
    expect(await codeOf(w.trpc.segments.get.query({ key: 'big' }))).toBe('NOT_FOUND');
  });

  it('a role missing over HTTP: FORBIDDEN naming it', async () => {
    const viewer = await aUser('http-viewer', ['viewer']);
    const e = await viewer.policy.set.mutate({ caps: [], quietHours: [] }).catch((x: unknown) => x as TRPCClientError<AppRouter>);
    expect(e).toBeInstanceOf(TRPCClientError);
    expect((e as TRPCClientError<AppRouter>).data?.code).toBe('FORBIDDEN');
    expect((e as TRPCClientError<AppRouter>).message).toBe('policy.set needs the admin role');
  });
});

describe('security headers', () => {
  it('sends a CSP that allows only our own origin, nosniff, and no X-Powered-By', async () => {
    for (const path of ['/auth/sign-in', '/trpc/auth.me', '/l/nope']) {
      const res = await fetch(`${w.server.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'self'");
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
      // plain http on a LAN: no HSTS
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });
});

describe('what stays outside sessions', () => {
  it('/v1 keeps its Basic-auth write key, with or without a session', async () => {
    expect((await w.ingest('identify', { userId: 'u-v1', traits: { name: 'V' } })).status).toBe(200);
    const noKey = await fetch(`${w.server.url}/v1/identify`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: adminCookie }, body: JSON.stringify({ userId: 'u' }) });
    expect(noKey.status).toBe(401);
    expect((await w.ingest('identify', { userId: 'u' }, 'wk_wrong')).status).toBe(401);
  });

  it('/l/:code is public: an unknown code is 404 without a session, not 401', async () => {
    const res = await fetch(`${w.server.url}/l/unknown-code`, { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('does not exist');
  });
});

describe('the write key', () => {
  it('is shown to admins only', async () => {
    const analyst = await aUser('key-analyst', ['analyst', 'operator', 'approver', 'copywriter']);
    expect((await analyst.workspace.get.query()).writeKey).toBeNull();
    expect((await w.trpc.workspace.get.query()).writeKey).toBe(w.server.services.workspace.settings().writeKey);
  });

  it('rotated with a grace period: the old key keeps working beside the new one', async () => {
    const old = w.server.services.workspace.settings().writeKey;
    const r = await w.trpc.workspace.rotateWriteKey.mutate({ graceHours: 1 });
    expect(r.writeKey).not.toBe(old);
    expect(r.previousWriteKeyExpiresAt).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect((await w.ingest('identify', { userId: 'grace-old' }, old)).status).toBe(200);
    expect((await w.ingest('identify', { userId: 'grace-new' }, r.writeKey)).status).toBe(200);
    expect((await w.trpc.workspace.get.query()).previousWriteKeyExpiresAt).toBe(r.previousWriteKeyExpiresAt);
    // and after the grace period, only the new one
    const ws = w.server.services.workspace;
    expect(ws.acceptsWriteKey(old, (r.previousWriteKeyExpiresAt ?? 0) - 1)).toBe(true);
    expect(ws.acceptsWriteKey(old, r.previousWriteKeyExpiresAt ?? 0)).toBe(false);
    expect(ws.acceptsWriteKey(r.writeKey, (r.previousWriteKeyExpiresAt ?? 0) + 1)).toBe(true);
    expect(ws.acceptsWriteKey(`${old}x`, Date.now())).toBe(false);
    expect(ws.acceptsWriteKey('', Date.now())).toBe(false);
  });

  it('rotated with graceHours 0: the old key is refused at once', async () => {
    const old = w.server.services.workspace.settings().writeKey;
    const r = await w.trpc.workspace.rotateWriteKey.mutate({ graceHours: 0 });
    expect(r.previousWriteKeyExpiresAt).toBeNull();
    expect((await w.ingest('identify', { userId: 'after' }, old)).status).toBe(401);
    expect((await w.ingest('identify', { userId: 'after' }, r.writeKey)).status).toBe(200);
  });

  it('only an admin rotates it', async () => {
    const operator = await aUser('key-operator', ['operator']);
    const before = w.server.services.workspace.settings().writeKey;
    expect(await codeOf(operator.workspace.rotateWriteKey.mutate({ graceHours: 0 }))).toBe('FORBIDDEN');
    expect(w.server.services.workspace.settings().writeKey).toBe(before);
  });
});

describe('phone numbers are masked for viewers', () => {
  beforeAll(async () => {
    const key = w.server.services.workspace.settings().writeKey;
    expect((await w.ingest('identify', { userId: 'pii-1', traits: { name: 'Lin', phone: '13800010001', mobile: '+8613900020002' } }, key)).status).toBe(200);
  });

  it('a viewer sees 138****0001 in contacts.get, search and timeline, traits included', async () => {
    const viewer = await aUser('pii-viewer', ['viewer', 'operator', 'copywriter', 'approver']);
    const c = await viewer.contacts.get.query({ externalId: 'pii-1' });
    expect(c.phone).toBe('138****0001');
    expect(c.traits).toMatchObject({ phone: '138****0001', mobile: '+86139****0002', name: 'Lin' });
    const hits = await viewer.contacts.search.query({ q: 'pii-1' });
    expect(hits.map((h) => h.phone)).toEqual(['138****0001']);
    const t = await viewer.contacts.timeline.query({ externalId: 'pii-1' });
    expect(t.contact.phone).toBe('138****0001');
    expect(JSON.stringify(t)).not.toContain('13800010001');
    expect(JSON.stringify(t)).not.toContain('13900020002');
  });

  it('an analyst (and an admin) sees them in full', async () => {
    const analyst = await aUser('pii-analyst', ['analyst']);
    for (const client of [analyst, w.trpc]) {
      const c = await client.contacts.get.query({ externalId: 'pii-1' });
      expect(c.phone).toBe('13800010001');
      expect(c.traits).toMatchObject({ phone: '13800010001', mobile: '+8613900020002' });
      expect((await client.contacts.search.query({ q: '138000' })).map((h) => h.phone)).toContain('13800010001');
      expect((await client.contacts.timeline.query({ externalId: 'pii-1' })).contact.phone).toBe('13800010001');
    }
  });

  it('the outbox (full numbers) is for analysts only', async () => {
    const viewer = await aUser('outbox-viewer', ['viewer']);
    expect(await codeOf(viewer.channels.outbox.query({}))).toBe('FORBIDDEN');
  });
});

describe('dev procedures', () => {
  it('exist on a fake clock, for a signed-in user only', async () => {
    expect((await fetch(`${w.server.url}/trpc/dev.now`)).status).toBe(401);
    expect(await w.trpc.dev.now.query()).toEqual({ now: T0 });
  });

  it('do not exist on a real clock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-real-'));
    const s = await startServer({
      port: 0,
      host: '127.0.0.1',
      databasePath: join(dir, 'db.sqlite'),
      clock: 'real',
      scheduler: false,
      seedDemo: false,
      log: () => {},
      admin: testAdmin,
      services: { accounts: { passwordCost: testPasswordCost } },
    });
    try {
      const client = trpcClient(s.url, await signIn(s.url, testAdmin.login, testAdmin.password), { batch: false });
      expect((await client.auth.me.query()).login).toBe('admin');
      expect(await codeOf(client.dev.now.query())).toBe('NOT_FOUND');
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('first start', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function start(opts: { demoUsers?: boolean; admin?: { login?: string; password?: string } }) {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-first-'));
    dirs.push(dir);
    const lines: string[] = [];
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      databasePath: join(dir, 'db.sqlite'),
      clock: new FakeClock(T0),
      seedDemo: false,
      log: (m) => lines.push(m),
      admin: opts.admin ?? {},
      demoUsers: opts.demoUsers,
      services: { accounts: { passwordCost: testPasswordCost } },
    });
    return { server, lines, path: join(dir, 'db.sqlite') };
  }

  it('logs the generated admin password once; it signs in; a restart logs no password', async () => {
    const first = await start({});
    let path = '';
    try {
      path = first.path;
      const line = first.lines.find((l) => l.startsWith('First admin'));
      const m = /login "admin", password (\S+) /.exec(line ?? '');
      expect(m?.[1]).toMatch(/^[A-Za-z0-9]{20}$/);
      const client = trpcClient(first.server.url, await signIn(first.server.url, 'admin', m?.[1] ?? ''));
      expect(await client.auth.me.query()).toMatchObject({ login: 'admin', roles: ['admin'] });
      expect(first.lines.filter((l) => l.includes(m?.[1] ?? '-')).length).toBe(1);
    } finally {
      await first.server.close();
    }
    const lines: string[] = [];
    const again = await startServer({ port: 0, host: '127.0.0.1', databasePath: path, clock: new FakeClock(T0), seedDemo: false, log: (m) => lines.push(m), admin: {} });
    try {
      expect(lines.some((l) => l.includes('First admin'))).toBe(false);
      expect(again.services.users.count()).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('with ADMIN_LOGIN / ADMIN_PASSWORD: that admin, and no password in the log', async () => {
    const s = await start({ admin: { login: 'boss', password: 'boss-secret-password' } });
    try {
      expect(s.lines.join('\n')).not.toContain('boss-secret-password');
      expect(s.lines.find((l) => l.startsWith('First admin'))).toContain('"boss"');
      await signIn(s.server.url, 'boss', 'boss-secret-password');
    } finally {
      await s.server.close();
    }
  });

  it('demoUsers: one user per role but admin, each with its logged password and only that role', async () => {
    const s = await start({ demoUsers: true });
    try {
      const demo = s.lines.map((l) => /^Demo user: login "(\w+)", password (\S+)$/.exec(l)).filter((m) => m !== null);
      expect(demo.map((m) => m[1])).toEqual(roles.filter((r) => r !== 'admin'));
      for (const [, login = '', pass = ''] of demo) {
        const me = await trpcClient(s.server.url, await signIn(s.server.url, login, pass)).auth.me.query();
        expect(me.roles).toEqual([login]);
      }
      expect(s.server.services.users.count()).toBe(roles.length);
    } finally {
      await s.server.close();
    }
  });
});
