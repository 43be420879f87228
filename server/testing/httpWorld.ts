import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../app';
import type { EnginePriority } from '../engine/thread/priority';
import { FakeClock } from '../clock';
import { signedInClient, testAdmin, testPasswordCost, type trpcClient } from './signIn';

export interface HttpWorld {
  server: RunningServer;
  clock: FakeClock;
  /** signed in as the admin */
  trpc: ReturnType<typeof trpcClient>;
  /** POST to the Segment-compatible ingestion API with the workspace write key */
  ingest: (path: string, body: unknown, writeKey?: string) => Promise<{ status: number; body: Record<string, unknown> }>;
  dbPath: string;
  close: () => Promise<void>;
}

/**
 * The real server on a free port over a temp SQLite file and a fake clock, driven through HTTP only. Its engine thread
 * runs at `normal` unless `enginePriority` says otherwise (`default`: what startServer picks, ENGINE_PRIORITY or background).
 */
export async function anHttpWorld(
  start: number,
  opts: Pick<ServerOptions, 'services' | 'seedDemo' | 'channels' | 'approvals' | 'log'> & { enginePriority?: EnginePriority | 'default' } = {},
): Promise<HttpWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-http-'));
  const dbPath = join(dir, 'test.db');
  const clock = new FakeClock(start);
  const server = await startServer({
    port: 0,
    databasePath: dbPath,
    clock,
    log: () => {},
    admin: testAdmin,
    approvals: false,
    ...opts,
    // the product's default is background (engine/thread/priority.ts), whose guard rescues a starved engine within about
    // 10 s: longer than a test waits, beside the other test files' busy workers. Tests of background ask for it
    enginePriority: opts.enginePriority === 'default' ? undefined : (opts.enginePriority ?? 'normal'),
    services: { accounts: { passwordCost: testPasswordCost }, ...opts.services },
  });
  const trpc = await signedInClient(server.url, testAdmin, { batch: false });
  const key = server.services.workspace.settings().writeKey;
  return {
    server,
    clock,
    trpc,
    dbPath,
    async ingest(path, body, writeKey = key) {
      const res = await fetch(`${server.url}/v1/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
