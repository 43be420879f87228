import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenBuckets } from './rateLimit';
import { procedurePaths, trpcGuard } from './trpcGuard';

describe('token buckets', () => {
  it('grant a burst, refill at the rate, say how long to wait, and never spend on a refusal', () => {
    const b = createTokenBuckets({ burst: 3, perSecond: 2 });
    expect([b.take('ip', 2, 0), b.take('ip', 1, 0)]).toEqual([0, 0]);
    expect(b.take('ip', 1, 0)).toBe(500);
    expect(b.take('ip', 1, 499)).toBe(2);
    expect(b.take('ip', 1, 500)).toBe(0);
    expect(b.take('other', 3, 0)).toBe(0);
    expect(b.take('ip', 4, 10_000)).toBe(Number.POSITIVE_INFINITY);
  });

  it('charge goes into debt, which the refill pays back before anything is granted', () => {
    const b = createTokenBuckets({ burst: 1000, perSecond: 250 });
    b.charge('ip', 3000, 0);
    expect(b.take('ip', 1, 0)).toBe(8004);
    expect(b.take('ip', 1, 8004)).toBe(0);
  });

  it('forget the least recently used keys past the bound', () => {
    const b = createTokenBuckets({ burst: 1, perSecond: 0.001 }, 2);
    b.take('a', 1, 0);
    b.take('b', 1, 0);
    b.take('c', 1, 0);
    expect(b.take('a', 1, 0)).toBe(0); // forgotten: a fresh bucket
    expect(b.take('c', 1, 0)).toBeGreaterThan(0);
  });
});

describe('trpcGuard', () => {
  let server: Server | null = null;
  afterEach(() => void server?.close());

  it('reads the procedures of a batch as tRPC does', () => {
    expect(procedurePaths('/a.b,c.d', '1')).toEqual({ paths: ['a.b', 'c.d'], batch: true });
    expect(procedurePaths('/a.b%2Cc.d', '1')).toEqual({ paths: ['a.b', 'c.d'], batch: true });
    expect(procedurePaths('/a.b,c.d', undefined)).toEqual({ paths: ['a.b,c.d'], batch: false });
  });

  it('charges the time expensive calls took: a client whose previews ran long waits, others do not', async () => {
    let clock = 0;
    const app = express();
    app.use('/trpc', trpcGuard({ ip: (req) => String(req.headers['x-ip']), now: () => clock }), (_req, res) => {
      clock += 4_000; // this preview took 4 s
      res.json({});
    });
    server = app.listen(0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc/segments.preview`;
    const call = (ip: string) => fetch(url, { headers: { 'x-ip': ip } });
    // 10 s of budget: three 4 s previews get in (the third into debt), the fourth waits
    for (let i = 0; i < 3; i++) expect((await call('slow')).status).toBe(200);
    const refused = await call('slow');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/took too long lately: try again in \d+ s/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('someone-else')).status).toBe(200);
    // cheap procedures are never charged
    expect((await fetch(url.replace('segments.preview', 'journeys.list'), { headers: { 'x-ip': 'slow' } })).status).toBe(200);
  });
});
