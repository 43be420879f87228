import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procedure, router, type Context } from './init';
import { trpcMiddleware } from './express';
import { refuse } from '../services/errors';

const t = router({
  echo: procedure('viewer')
    .input(z.object({ q: z.string().max(3) }))
    .query(({ input }) => ({ q: input.q, at: [1, 2] })),
  none: procedure('viewer').query(() => null),
  missing: procedure('viewer')
    .input(z.object({ id: z.string() }))
    .query(({ input }) => {
      throw refuse('NOT_FOUND', 'not_found', { what: 'journey', id: input.id });
    }),
  crash: procedure('viewer').query(() => {
    throw new Error('disk on fire');
  }),
  stream: procedure('viewer').query(() => ({ later: Promise.resolve(1) })),
  /** waits until the client goes away, and says so */
  held: procedure('viewer').query(
    ({ signal }) =>
      new Promise<null>((resolve) => {
        held.started++;
        signal?.addEventListener('abort', () => {
          held.aborted++;
          resolve(null);
        });
      }),
  ),
  rename: procedure('admin', { outside: true })
    .input(z.object({ name: z.string() }))
    .mutation(({ input }) => ({ renamed: input.name })),
});
const appRouter = router({ t });
const held = { started: 0, aborted: 0 };
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
};

const viewer = { id: 'u1', login: 'v', displayName: 'V', roles: ['viewer' as const], active: true, createdAt: 0, lastSignInAt: null, locale: null };
const context = (signedIn: boolean): Context => ({
  services: { audit: { record: () => {} } } as unknown as Context['services'],
  clock: { kind: 'fake', now: () => 0 } as unknown as Context['clock'],
  user: signedIn ? viewer : null,
  actor: 'V',
  ip: null,
  requestId: 'r1',
});

/** Both adapters, each behind its own port, recording what they tell onError. */
function serve(which: 'trpc' | 'ours', errors: unknown[]): Promise<Server> {
  const options = {
    router: appRouter,
    createContext: ({ req }: { req: express.Request }) => context(req.get('x-signed-out') === undefined),
    maxBodySize: 1024 * 1024,
    maxBatchSize: 10,
    onError: ({ error, path, input, type, ctx }: { error: { code: string; message: string }; path?: string; input?: unknown; type: string; ctx?: unknown }) =>
      errors.push({ code: error.code, message: error.message, path, input, type, ctx: ctx === undefined ? 'none' : 'ctx' }),
  };
  const handler: RequestHandler = which === 'trpc' ? createExpressMiddleware(options) : trpcMiddleware(options);
  const app = express().use('/trpc', handler);
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

const q = (input: unknown) => `?input=${encodeURIComponent(JSON.stringify(input))}`;
const requests: [string, string, RequestInit?][] = [
  ['a query', `/trpc/t.echo${q({ q: 'abc' })}`],
  ['a query without input', '/trpc/t.none'],
  ['an escaped path', `/trpc/t.ech%6F${q({ q: 'a' })}`],
  ['a badly escaped path', `/trpc/t.ech%zz${q({ q: 'a' })}`],
  ['an invalid input', `/trpc/t.echo${q({ q: 'abcd' })}`],
  ['no input where one is needed', '/trpc/t.echo'],
  ['an input that is not JSON', '/trpc/t.echo?input=%7Bq'],
  ['a service refusal', `/trpc/t.missing${q({ id: 'j9' })}`],
  ['a crash', '/trpc/t.crash'],
  ['a promise in the answer', '/trpc/t.stream'],
  ['no session', `/trpc/t.echo${q({ q: 'a' })}`, { headers: { 'x-signed-out': '1' } }],
  ['an unknown procedure', '/trpc/t.nope'],
  ['a mutation by GET', `/trpc/t.rename${q({ name: 'x' })}`],
  ['a batch', `/trpc/t.echo,t.none?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { q: 'a' } }))}`],
  ['a batch of one', `/trpc/t.echo?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { q: 'a' } }))}`],
  ['a stream request', `/trpc/t.echo?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { q: 'a' } }))}`, { headers: { 'trpc-accept': 'application/jsonl' } }],
  ['a mutation', '/trpc/t.rename', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) }],
  ['a HEAD', '/trpc/t.none', { method: 'HEAD' }],
];

/** A stack trace names the adapter it passed through: the one thing that may differ. */
const withoutStacks = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(withoutStacks)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => k !== 'stack')
            .map(([k, x]) => [k, withoutStacks(x)]),
        )
      : v;

describe('trpcMiddleware', () => {
  const servers: Server[] = [];
  const errors = { trpc: [] as unknown[], ours: [] as unknown[] };
  const urls = { trpc: '', ours: '' };
  beforeAll(async () => {
    for (const which of ['trpc', 'ours'] as const) {
      const s = await serve(which, errors[which]);
      servers.push(s);
      urls[which] = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    }
  });
  afterAll(() => servers.forEach((s) => s.close()));

  const answer = async (which: 'trpc' | 'ours', path: string, init?: RequestInit) => {
    errors[which].length = 0;
    const res = await fetch(urls[which] + path, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (a stream): compared as text
    }
    return { status: res.status, contentType: res.headers.get('content-type'), vary: res.headers.get('vary'), body: withoutStacks(body), onError: [...errors[which]] };
  };

  it.each(requests)('answers %s exactly as tRPC’s own adapter does', async (_what, path, init) => {
    const ours = await answer('ours', path, init);
    expect(ours).toEqual(await answer('trpc', path, init));
  });

  it.each(['trpc', 'ours'] as const)('%s: a query hears that its client went away (its signal aborts)', async (which) => {
    const before = { ...held };
    const client = new AbortController();
    const call = fetch(`${urls[which]}/trpc/t.held`, { signal: client.signal }).catch(() => 'gone');
    await until(() => held.started > before.started);
    client.abort();
    expect(await call).toBe('gone');
    await until(() => held.aborted > before.aborted);
  });

  it('answers a single query without building a fetch Response, and leaves a batch to tRPC, which does', async () => {
    const Real = globalThis.Response;
    let built = 0;
    globalThis.Response = class extends Real {
      constructor(...args: ConstructorParameters<typeof Response>) {
        super(...args);
        built++;
      }
    };
    try {
      const single = await fetch(`${urls.ours}/trpc/t.echo${q({ q: 'a' })}`);
      expect(await single.json()).toEqual({ result: { data: { q: 'a', at: [1, 2] } } });
      expect((await fetch(`${urls.ours}/trpc/t.missing${q({ id: 'j1' })}`)).status).toBe(404);
      expect(built).toBe(0);
      const batch = await fetch(`${urls.ours}/trpc/t.echo,t.none?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { q: 'a' } }))}`);
      expect(batch.status).toBe(200);
      expect(built).toBe(1);
    } finally {
      globalThis.Response = Real;
    }
  });
});
