import { describe, expect, it } from 'vitest';
import { createWebhookProvider, retryAfterMs } from './webhook';
import type { OutboundMessage } from './provider';

const msg: OutboundMessage = {
  id: 1,
  key: '7:sms:1',
  channel: 'sms',
  to: { contactId: 1, externalId: 'u1', phone: '+8613800000001', email: null },
  template: 'recall_sms',
  variant: 'a',
  parts: { body: 'hi' },
  links: [],
  journeyId: 'j',
  nodeId: 'sms',
};
const WALL = Date.UTC(2026, 10, 2, 4, 0);

/** A vendor that answers every POST with `status` and these headers. */
const answering = (status: number, headers: Record<string, string> = {}) =>
  createWebhookProvider({ url: 'https://vendor.example/sms', secret: 'a-secret-of-16-chars', wallNow: () => WALL, fetchImpl: async () => new Response('{}', { status, headers }) });

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates; anything else is no advice', () => {
    expect(retryAfterMs('120', WALL)).toBe(120_000);
    expect(retryAfterMs(' 0 ', WALL)).toBe(0);
    expect(retryAfterMs(new Date(WALL + 90_000).toUTCString(), WALL)).toBe(90_000);
    expect(retryAfterMs(new Date(WALL - 90_000).toUTCString(), WALL)).toBe(0);
    expect(retryAfterMs('soon', WALL)).toBeUndefined();
    expect(retryAfterMs('-5', WALL)).toBeUndefined();
    expect(retryAfterMs(null, WALL)).toBeUndefined();
  });

  it('a 429 or 503 carries the vendor’s Retry-After to the dispatcher; a final 4xx does not retry at all', async () => {
    expect(await answering(429, { 'retry-after': '30' }).send(msg, 0)).toMatchObject({ status: 'failed', retry: true, error: 'HTTP 429', retryAfterMs: 30_000 });
    expect(await answering(503, { 'retry-after': new Date(WALL + 600_000).toUTCString() }).send(msg, 0)).toMatchObject({ retry: true, retryAfterMs: 600_000 });
    expect(await answering(503).send(msg, 0)).not.toHaveProperty('retryAfterMs');
    const refused = await answering(400, { 'retry-after': '30' }).send(msg, 0);
    expect(refused).toMatchObject({ status: 'failed', retry: false });
    expect(refused).not.toHaveProperty('retryAfterMs');
  });

  it('says how many requests it keeps open and how long to retry, when configured', () => {
    const p = createWebhookProvider({ url: 'https://vendor.example/sms', secret: 'a-secret-of-16-chars', maxInFlight: 8, retryHorizonMs: 3_600_000 });
    expect(p).toMatchObject({ maxInFlight: 8, retryHorizonMs: 3_600_000 });
  });
});
