import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { MINUTE } from '../../shared/util/time';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const SECRET = 'partner-shared-secret-0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  answered: number;
}

/** A partner's receiving endpoint on 127.0.0.1: 503 on the first call for c1, 400 always for c3, else 200. */
function aPartner(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const userId = (JSON.parse(raw) as { to: { externalId: string } }).to.externalId;
      const n = (seen.get(userId) ?? 0) + 1;
      seen.set(userId, n);
      const status = userId === 'c3' ? 400 : userId === 'c1' && n === 1 ? 503 : 200;
      received.push({ headers: req.headers, raw, answered: status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? { accepted: true } : { error: 'nope' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/offers`, received })));
}

describe('webhook channel: the partner offer reaches a real HTTP endpoint, signed', () => {
  let w: HttpWorld;
  let partner: Awaited<ReturnType<typeof aPartner>>;
  let journeyId: string;

  beforeAll(async () => {
    partner = await aPartner();
    w = await anHttpWorld(T0, { channels: { webhook: { type: 'webhook', url: partner.url, secret: SECRET } } });
    const j = (await w.trpc.journeys.list.query()).find((x) => x.blueprint === 'rejected_partner_offer');
    if (!j) throw new Error('blueprint 4 missing');
    journeyId = j.id;
    await w.trpc.journeys.publish.mutate({ id: journeyId });
    const batch = ['c1', 'c2', 'c3'].flatMap((userId) => [
      { type: 'identify', userId, traits: { name: userId } },
      { type: 'track', userId, event: 'credit_rejected', properties: { reason: 'score' } },
    ]);
    expect((await w.ingest('batch', { batch })).status).toBe(200);
    await w.trpc.dev.advanceClock.mutate({ ms: 10 * MINUTE });
  }, 60_000);

  afterAll(async () => {
    await w?.close();
    partner?.server.close();
  });

  it('signs every POST: X-Signature is the HMAC-SHA256 of the raw body, and the message key rides along', async () => {
    expect(partner.received.length).toBe(4); // c1 twice (503, then 200), c2 once, c3 once (400)
    for (const r of partner.received) {
      expect(r.headers['x-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.raw).digest('hex')}`);
      expect(r.headers['idempotency-key']).toBe((JSON.parse(r.raw) as { id: string }).id);
    }
    const body = JSON.parse(partner.received.find((r) => r.answered === 200)?.raw ?? '{}') as { channel: string; payload: { type: string; user_id: string; card: { url: string } } };
    expect(body.channel).toBe('webhook');
    expect(body.payload.type).toBe('partner_offer');
    expect(['c1', 'c2']).toContain(body.payload.user_id);
    // the offer's link is a tracked short link; following it lands on the partner page with the UTM tags
    expect(body.payload.card.url).toMatch(/^http:\/\/localhost:\d+\/l\//);
    const hop = await fetch(body.payload.card.url, { redirect: 'manual' });
    expect(hop.status).toBe(302);
    expect(hop.headers.get('location')).toContain('utm_source=webhook');
  });

  it('retries a 503 with backoff under the same key, and gives up on a 400 at once', async () => {
    const out = await w.trpc.channels.outbox.query({ journeyId });
    const by = (id: string) => out.find((m) => m.externalId === id);
    expect(by('c1')).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(by('c2')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(by('c3')).toMatchObject({ status: 'failed', attempts: 1 });
    const c1Keys = partner.received.filter((r) => r.raw.includes('"externalId":"c1"')).map((r) => r.headers['idempotency-key']);
    expect(new Set(c1Keys).size).toBe(1);
  });

  it('records the status history of each message in order', async () => {
    const timeline = await w.trpc.contacts.timeline.query({ externalId: 'c1' });
    const history = timeline.messages[0]?.history.map((h) => h.status);
    // the 503 is recorded, the message goes back to the queue for its retry, then succeeds
    expect(history).toEqual(['queued', 'sending', 'failed', 'queued', 'sending', 'sent', 'delivered']);
  });

  it('sets the trait after the offer and counts the runs to the exit', async () => {
    const c2 = await w.trpc.contacts.get.query({ externalId: 'c2' });
    expect(c2.traits.partner_offer_status).toBe('sent');
  });
});
