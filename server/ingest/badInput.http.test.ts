import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { startServer, type RunningServer } from '../app';
import { FakeClock } from '../clock';
import { testAdmin, testPasswordCost } from '../testing/signIn';
import { signatureHeader } from './routes';

const T0 = Date.UTC(2026, 10, 2, 4, 0);

describe('/v1: NUL and lone surrogates in ids, names and keys are a 400 naming the field; nothing is written', () => {
  let w: HttpWorld;
  beforeAll(async () => void (w = await anHttpWorld(T0, { seedDemo: false })));
  afterAll(() => w?.close());
  const contacts = () => (w.server.db.$client.prepare('select count(*) n from contacts').get() as { n: number }).n;

  it.each([
    ['userId', 'track', { userId: 'u\u00001', event: 'e' }, 'userId'],
    ['anonymousId', 'track', { anonymousId: '\ud800anon', event: 'e' }, 'anonymousId'],
    ['event', 'track', { userId: 'u1', event: 'app_login\u0000' }, 'event'],
    ['messageId', 'track', { userId: 'u1', event: 'e', messageId: 'm\udc00' }, 'messageId'],
    ['a trait key', 'identify', { userId: 'u1', traits: { 'na\u0000me': 'x' } }, 'traits'],
    ['a property key', 'track', { userId: 'u1', event: 'e', properties: { '\udbff': 1 } }, 'properties'],
    ['a page name', 'page', { userId: 'u1', name: 'home\u0000' }, 'name'],
    [
      'a call in a batch',
      'batch',
      {
        batch: [
          { type: 'track', userId: 'ok', event: 'e' },
          { type: 'identify', userId: 'u\u0000' },
        ],
      },
      'batch.1.userId',
    ],
  ] as const)('%s', async (_what, path, body, field) => {
    const before = contacts();
    const r = await w.ingest(path, body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: `${field}: ${/key/.test(_what) ? 'keys ' : ''}must not contain NUL (\\u0000) or a lone surrogate`, field });
    expect(contacts()).toBe(before);
  });

  it('accepts the same text when it is well formed: emoji (surrogate pairs) and CJK', async () => {
    const r = await w.ingest('identify', { userId: '用户😀', traits: { '名字😀': '小明' } });
    expect(r).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
  });
});

describe('/v1/inbound/sms with INBOUND_SMS_SECRET: the vendor signs each call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-inbound-sms-'));
  const secret = 'vendor-shared-secret-0123456789';
  let server: RunningServer;
  const post = (body: string, headers: Record<string, string>) => fetch(`${server.url}/v1/inbound/sms`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const sign = (body: string, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

  beforeAll(async () => {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      databasePath: join(dir, 's.db'),
      clock: new FakeClock(T0),
      seedDemo: false,
      log: () => {},
      admin: testAdmin,
      inboundSmsSecret: secret,
      services: { accounts: { passwordCost: testPasswordCost } },
    });
    server.services.ingest.ingest([{ type: 'identify', userId: 'p1', traits: { phone: '+8613800000001' } }]);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const optedOut = () => server.db.$client.prepare(`select opt_outs from contacts where external_id = 'p1'`).get() as { opt_outs: string };

  it('refuses a call without a signature, with a wrong one, or with one over another body: 401 naming the header', async () => {
    const body = JSON.stringify({ from: '+8613800000001', text: 'T' });
    for (const headers of [{} as Record<string, string>, { [signatureHeader]: sign(body, 'another-secret-entirely') }, { [signatureHeader]: sign(`${body} `) }, { [signatureHeader]: 'sha256=zz' }]) {
      const res = await post(body, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ field: signatureHeader, error: expect.stringMatching(/^missing or wrong x-signature/) });
    }
    expect(optedOut().opt_outs).toBe('[]');
  });

  it('accepts a signed call without the write key (sha256=<hex>, or the bare hex), and opts the sender out', async () => {
    const body = JSON.stringify({ from: '+8613800000001', text: 'T' });
    const res = await post(body, { [signatureHeader]: sign(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, optedOut: 1 });
    expect(optedOut().opt_outs).toBe('["sms"]');
    expect((await post(body, { [signatureHeader]: sign(body).slice('sha256='.length) })).status).toBe(200);
  });

  it('the other /v1 routes still want the write key', async () => {
    const res = await fetch(`${server.url}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'x', event: 'e' }) });
    expect(res.status).toBe(401);
  });
});
