import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer } from '../app';
import { FakeClock } from '../clock';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { testAdmin, testPasswordCost } from '../testing/signIn';
import type { EngineTick } from '../engine';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const json = async (path: string, url: string) => {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('/healthz and /readyz', () => {
  let w: HttpWorld;
  beforeAll(async () => void (w = await anHttpWorld(T0, { seedDemo: false })));
  afterAll(() => w?.close());

  it('/healthz: 200 while the process serves, without a session', async () => {
    expect(await json('/healthz', w.server.url)).toEqual({ status: 200, body: { ok: true } });
  });

  it('/readyz: 200 when the database takes a write (rolled back: nothing changes)', async () => {
    const before = w.server.db.$client.prepare('select * from workspace').get();
    const r = await json('/readyz', w.server.url);
    expect(r).toMatchObject({ status: 200, body: { ok: true, database: 'writable', tickLagMs: null } });
    expect(w.server.db.$client.prepare('select * from workspace').get()).toEqual(before);
    expect(w.server.db.$client.inTransaction).toBe(false);
  });

  it('/readyz: 503 naming the cause when the database is read-only, 200 again once it is not', async () => {
    w.server.db.$client.pragma('query_only = 1');
    try {
      const r = await json('/readyz', w.server.url);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ ok: false });
      expect(String(r.body.error)).toMatch(/^database is not writable: .*readonly/);
    } finally {
      w.server.db.$client.pragma('query_only = 0');
    }
    expect((await json('/readyz', w.server.url)).status).toBe(200);
  });
});

describe('/readyz fails when the engine stops ticking', () => {
  it('503 once the last finished tick is older than the threshold; 200 after ticks resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-ready-'));
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      databasePath: join(dir, 'r.db'),
      clock: new FakeClock(T0),
      scheduler: true,
      maxTickLagMs: 1_500,
      seedDemo: false,
      log: () => {},
      admin: testAdmin,
      services: { accounts: { passwordCost: testPasswordCost } },
    });
    let release = () => {};
    try {
      // a tick that does not end: the engine is stuck
      const stuck = new Promise<EngineTick | null>((done) => (release = () => done(null)));
      const tick = vi.spyOn(server.services.engine, 'tick').mockReturnValue(stuck);
      await new Promise((r) => setTimeout(r, 3_000));
      expect(tick).toHaveBeenCalled();
      const r = await json('/readyz', server.url);
      expect(r.status).toBe(503);
      expect(String(r.body.error)).toMatch(/^engine tick lag \d+ ms is over 1500 ms$/);
      tick.mockRestore();
      release();
      await new Promise((r) => setTimeout(r, 1_200));
      expect((await json('/readyz', server.url)).status).toBe(200);
    } finally {
      release();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 15_000);
});
