import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './app';
import type { AppRouter } from './trpc/root';
import { signedInClient, testAdmin, type trpcClient } from './testing/signIn';

describe('on a real clock: the cron scheduler drives the engine, and dev procedures do not exist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-real-'));
  let server: RunningServer;
  let trpc: ReturnType<typeof trpcClient>;

  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', databasePath: join(dir, 'real.db'), clock: 'real', log: () => {}, admin: testAdmin, approvals: false });
    trpc = await signedInClient(server.url, testAdmin, { batch: false });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has no dev.advanceClock or dev.now without CLOCK=fake', async () => {
    const now = await trpc.dev.now.query().catch((e: unknown) => e);
    expect(now).toBeInstanceOf(TRPCClientError);
    expect((now as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
    const adv = await trpc.dev.advanceClock.mutate({ ms: 1000 }).catch((e: unknown) => e);
    expect((adv as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
    expect(await trpc.workspace.get.query()).toMatchObject({ clock: 'real' });
  });

  it('delivers an event-triggered message with no one but the scheduler ticking', async () => {
    const j = (await trpc.journeys.list.query()).find((x) => x.blueprint === 'rejected_partner_offer');
    if (!j) throw new Error('blueprint 4 missing');
    // let the scheduler tick at least once first: a journey published while ticks run must still be picked up
    await new Promise((r) => setTimeout(r, 1200));
    await trpc.journeys.publish.mutate({ id: j.id });
    const { writeKey } = await trpc.workspace.get.query();
    const res = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey ?? ''}:`).toString('base64')}` },
      body: JSON.stringify({ userId: 'r1', event: 'credit_rejected' }),
    });
    expect(res.status).toBe(200);
    // the scheduler ticks every second; wait for it (bounded), never call the engine ourselves
    let status: string | undefined;
    for (let i = 0; i < 150 && status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await trpc.channels.outbox.query({ journeyId: j.id }))[0]?.status;
    }
    expect(status).toBe('delivered');
  }, 30_000);
});
