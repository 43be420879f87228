import { createHmac } from 'node:crypto';
import type { ChannelProvider } from './provider';

export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key for the `X-Signature` header */
  secret: string;
  timeoutMs?: number;
  /** requests open at once (default: the dispatcher's in-flight limit) */
  maxInFlight?: number;
  /** how long a failing message is retried (default: the dispatcher's, 24 h) */
  retryHorizonMs?: number;
  fetchImpl?: typeof fetch;
  /** wall-clock ms, to read a `Retry-After` given as an HTTP date (default Date.now) */
  wallNow?: () => number;
}

/** `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` — what a receiver recomputes to trust the call. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * `Retry-After` as milliseconds from now: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3); anything else (absent, garbled) is no advice.
 */
export function retryAfterMs(value: string | null, wallNow: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // an HTTP date names its day and month; Date.parse would take "-5" for a year
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - wallNow);
}

/**
 * POSTs the message as JSON, signed. A partner offer, or a real SMS / robo-call
 * vendor, is reached this way. 2xx = delivered (the answer is recorded);
 * 408/429/5xx/network errors are retried with backoff, no sooner than the
 * vendor's `Retry-After`; other 4xx fail for good.
 */
export function createWebhookProvider(o: WebhookOptions): ChannelProvider {
  const doFetch = o.fetchImpl ?? fetch;
  const wallNow = o.wallNow ?? Date.now;
  return {
    name: `webhook:${o.url}`,
    ...(o.maxInFlight ? { maxInFlight: o.maxInFlight } : {}),
    ...(o.retryHorizonMs ? { retryHorizonMs: o.retryHorizonMs } : {}),
    async send(msg) {
      // a webhook template renders the JSON document itself; other channels send their parts
      let payload: unknown = msg.parts;
      if (msg.channel === 'webhook' && msg.parts.json !== undefined) {
        try {
          payload = JSON.parse(msg.parts.json);
        } catch (e) {
          return { status: 'failed', retry: false, error: `template rendered invalid JSON: ${e instanceof Error ? e.message : String(e)}` };
        }
      }
      const body = JSON.stringify({
        id: msg.key,
        channel: msg.channel,
        to: msg.to,
        template: msg.template,
        variant: msg.variant,
        journeyId: msg.journeyId,
        nodeId: msg.nodeId,
        payload,
        ...(msg.test ? { test: true } : {}),
      });
      try {
        const res = await doFetch(o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': sign(body, o.secret), 'idempotency-key': msg.key },
          body,
          signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        });
        const text = (await res.text()).slice(0, 4000);
        let response: unknown = text;
        try {
          response = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        if (res.ok) return { status: 'delivered', response: { status: res.status, body: response } };
        const retry = res.status === 408 || res.status === 429 || res.status >= 500;
        const after = retry ? retryAfterMs(res.headers.get('retry-after'), wallNow()) : undefined;
        return { status: 'failed', retry, error: `HTTP ${res.status}`, ...(after === undefined ? {} : { retryAfterMs: after }), response: { status: res.status, body: response } };
      } catch (e) {
        return { status: 'failed', retry: true, error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}
