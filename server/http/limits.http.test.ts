import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { signIn } from '../testing/signIn';
import { clientHeader } from '../auth/http';
import { maxBatchCalls } from './trpcGuard';

const T0 = Date.UTC(2026, 10, 2, 4, 0);

describe('/trpc refuses what would tie the server up', () => {
  let w: HttpWorld;
  let cookie = '';
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${w.server.url}${path}`, { headers: { cookie, ...headers } });
  const batchOf = (proc: string, n: number, input: unknown = {}) =>
    `/trpc/${Array.from({ length: n }, () => proc).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, input]))))}`;

  beforeAll(async () => {
    w = await anHttpWorld(T0, { seedDemo: false });
    cookie = await signIn(w.server.url, 'admin', 'test-admin-password');
  });
  afterAll(() => w?.close());

  it('answers a body over 1 MB with 413 before reading it all', async () => {
    const big = JSON.stringify({ id: 'x', graph: { pad: 'x'.repeat(1024 * 1024 + 10) } });
    const res = await fetch(`${w.server.url}/trpc/journeys.saveDraft`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', [clientHeader]: 'test' }, body: big });
    expect(res.status).toBe(413);
    // just under the limit is read (and refused for what it says, not for its size)
    const fits = JSON.stringify({ id: 'nope', graph: { nodes: [], edges: [], settings: {}, pad: 'x'.repeat(900 * 1024) } });
    const ok = await fetch(`${w.server.url}/trpc/journeys.saveDraft`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', [clientHeader]: 'test' }, body: fits });
    expect(ok.status).not.toBe(413);
  });

  it('refuses a node config nested 10,000 deep with 400 naming the field (it was a 500: a stack overflow saving it), and saves one of 32 levels', async () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    const { id } = w.server.services.journeys.create({ name: 'Deep config' }, 'test');
    const draft = (depth: number) => `{"id":"${id}","graph":{"nodes":[{"id":"n1","kind":"exit","config":${nested(depth)}}],"edges":[]}}`;
    const save = (body: string) => fetch(`${w.server.url}/trpc/journeys.saveDraft`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', [clientHeader]: 'test' }, body });
    const deep = await save(draft(10_000));
    expect(deep.status).toBe(400);
    const body = (await deep.json()) as { error: { data: { code: string; issues: { path: string; message: string }[] } } };
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.issues).toEqual([expect.objectContaining({ path: 'graph.nodes.0.config', message: 'config nests deeper than 32 levels' })]);
    // 32 levels are saved (the compiler judges the config against its kind at publish)
    expect((await save(draft(32))).status).toBe(200);
  });

  it('refuses a NUL or a lone surrogate anywhere in a call, a name or a key, with 400 naming the field; well-formed text of any script passes', async () => {
    const post = (proc: string, input: unknown) =>
      fetch(`${w.server.url}/trpc/${proc}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', [clientHeader]: 'test' }, body: JSON.stringify(input) });
    const refusal = async (res: Response) => {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; data: { code: string; issues: { path: string }[] } } };
      expect(body.error.data.code).toBe('BAD_REQUEST');
      return { message: body.error.message, paths: body.error.data.issues.map((i) => i.path) };
    };
    const { id } = w.server.services.journeys.create({ name: 'Names' }, 'test');
    expect(await refusal(await post('journeys.rename', { id, name: 'a\u0000b' }))).toEqual({ message: 'name holds a NUL character', paths: ['name'] });
    expect((await refusal(await post('journeys.create', { name: 'x\ud800y' }))).paths).toEqual(['name']);
    expect((await refusal(await post('segments.save', { key: 'seg_nul', name: 'bad\udc00', rules: { match: 'all', conditions: [] } }))).paths).toEqual(['name']);
    const draft = { id, graph: { nodes: [{ id: 'n1', kind: 'exit', config: { 'k\u0000': 1 } }], edges: [] } };
    expect((await refusal(await post('journeys.saveDraft', draft))).paths).toEqual(['graph.nodes.0.config.k\u0000']);
    // nothing of a refused call was written
    expect(w.server.services.journeys.list().find((j) => j.id === id)?.name).toBe('Names');
    expect((await post('journeys.rename', { id, name: '逾期提醒 🚀' })).status).toBe(200);
  });

  it(`refuses a batch of more than ${maxBatchCalls} calls with 400 naming the limit, and serves ${maxBatchCalls}`, async () => {
    const res = await get(batchOf('journeys.list', maxBatchCalls + 1));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { code: string } } }[];
    expect(body).toHaveLength(maxBatchCalls + 1);
    expect(body[0]?.error.message).toBe(`a batch holds ${maxBatchCalls + 1} calls; the limit is ${maxBatchCalls} per request`);
    expect(body[0]?.error.data.code).toBe('BAD_REQUEST');
    expect((await get(batchOf('journeys.list', maxBatchCalls))).status).toBe(200);
  });

  it('rate-limits previews and analytics per IP: 40 previews in one request are refused, and a burst runs dry with Retry-After', async () => {
    const preview = { rules: { match: 'all', rules: [] }, sample: 0 };
    const forty = await get(batchOf('segments.preview', 40, preview));
    expect(forty.status).toBe(400); // over the batch limit first
    const fifteen = await get(batchOf('segments.preview', 15, preview));
    expect(fifteen.status).toBe(200);
    // the bucket holds 20: 15 spent, 5 left, so 10 more are refused, and nothing else is affected
    const ten = await get(batchOf('analytics.journeySummary', 10, { journeyId: 'nope' }));
    expect(ten.status).toBe(429);
    expect(Number(ten.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await ten.json()) as { error: { message: string; data: { code: string } } }[];
    expect(body[0]?.error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(body[0]?.error.message).toMatch(/too many previews and analytics calls from this address: try again in \d+ s/);
    expect((await get('/trpc/journeys.list')).status).toBe(200);
  });
});

describe('unknown API-like paths are 404 JSON, not the app page', () => {
  let w: HttpWorld;
  beforeAll(async () => void (w = await anHttpWorld(T0, { seedDemo: false })));
  afterAll(() => w?.close());

  it.each(['/api/journeys', '/api', '/v2/track', '/trcp/journeys.list', '/tprc', '/trpc2/x', '/graphql', '/v1/nope', '/auth/nope', '/l'])('%s', async (path) => {
    const res = await fetch(`${w.server.url}${path}`, { redirect: 'manual', headers: { accept: 'text/html,*/*' } });
    expect(res.status).toBe(path === '/v1/nope' ? 401 : 404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('an unknown /v1 path with the write key is a 404 naming it', async () => {
    const r = await w.ingest('nope', {});
    expect(r).toEqual({ status: 404, body: { error: 'no such endpoint: POST /v1/nope' } });
  });
});
