import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../app';
import { FakeClock } from '../clock';
import { memoryLogger } from '../obs/log';
import { signIn, testAdmin, testPasswordCost } from '../testing/signIn';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
/** What a SqliteError says: the SQL, a table name, a column. None of it may reach a client in production. */
const sqlFailure = () => new Error('no such column: secret_score in "SELECT secret_score FROM contacts WHERE traits ->> \'$.pin\' = ?"');

async function aServer(production: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-errors-'));
  const { logger, lines } = memoryLogger('info');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databasePath: join(dir, 'e.db'),
    clock: new FakeClock(T0),
    seedDemo: false,
    log: () => {},
    logger,
    production,
    admin: testAdmin,
    approvals: false,
    services: { accounts: { passwordCost: testPasswordCost } },
  });
  const cookie = await signIn(server.url, testAdmin.login, testAdmin.password);
  return { server, lines, cookie, close: async () => (await server.close(), rmSync(dir, { recursive: true, force: true })) };
}

describe('in production, a failure says what failed and its request id, never the stack or the SQL', () => {
  let s: Awaited<ReturnType<typeof aServer>>;
  let server: RunningServer;
  beforeAll(async () => {
    s = await aServer(true);
    server = s.server;
  });
  afterAll(() => s?.close());

  it('tRPC: a 500 carries a generic message with the request id; the log has the real error under that id', async () => {
    vi.spyOn(server.services.analytics, 'journeySummary').mockImplementation(() => {
      throw sqlFailure();
    });
    const res = await fetch(`${server.url}/trpc/analytics.journeySummary?input=${encodeURIComponent(JSON.stringify({ journeyId: 'j1' }))}`, {
      headers: { cookie: s.cookie, 'x-request-id': 'req-42' },
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const text = await res.text();
    expect((JSON.parse(text) as { error: { message: string } }).error.message).toBe('internal error (request id req-42); the server log has the details');
    for (const leak of ['SELECT', 'secret_score', 'contacts', 'stack', '.ts:']) expect(text).not.toContain(leak);
    const logged = s.lines.find((l) => l.requestId === 'req-42');
    expect(logged).toMatchObject({ level: 50, path: 'analytics.journeySummary' });
    expect(String(logged?.msg)).toContain('secret_score');
  });

  it('Express routes: a throwing route is a JSON 500 with the request id, not an HTML stack trace', async () => {
    vi.spyOn(server.services.engine, 'clicks').mockImplementation(() => {
      throw sqlFailure();
    });
    const res = await fetch(`${server.url}/l/abc-1xyz`, { redirect: 'manual' });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { error: string; requestId: string };
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.error).toBe(`internal error (request id ${body.requestId}); the server log has the details`);
    expect(s.lines.some((l) => l.requestId === body.requestId && String(l.msg).includes('secret_score'))).toBe(true);
  });

  it('client errors keep saying what is wrong (a bad input names its field)', async () => {
    const res = await fetch(`${server.url}/trpc/analytics.journeySummary?input=${encodeURIComponent(JSON.stringify({ journeyId: '' }))}`, { headers: { cookie: s.cookie } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('journeyId is required');
  });

  it('the request id a caller sends is the one the audit log records for its change', async () => {
    const res = await fetch(`${server.url}/trpc/workspace.setApprovals`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-journeys-client': 'test', 'x-request-id': 'audit-7' },
      body: JSON.stringify({ on: false }),
    });
    expect(res.status).toBe(200);
    expect(server.db.$client.prepare(`select action from audit_events where request_id = 'audit-7'`).all()).toEqual([{ action: 'workspace.setApprovals' }]);
  });

  it('makes up a request id when the one sent is not a sane token', async () => {
    for (const given of ['two words', 'x'.repeat(200), '<script>']) {
      const res = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': given } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('outside production the real message is shown: a developer is reading', () => {
  it('passes the message through', async () => {
    const s = await aServer(false);
    try {
      vi.spyOn(s.server.services.analytics, 'journeySummary').mockImplementation(() => {
        throw sqlFailure();
      });
      const res = await fetch(`${s.server.url}/trpc/analytics.journeySummary?input=${encodeURIComponent(JSON.stringify({ journeyId: 'j1' }))}`, { headers: { cookie: s.cookie } });
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('secret_score');
    } finally {
      await s.close();
    }
  });
});
