import { createHmac } from 'node:crypto';
import type { ChannelProvider } from './provider';

export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key for the `X-Signature` header */
  secret: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` — what a receiver recomputes to trust the call. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs the message as JSON, signed. A partner offer, or a real SMS / robo-call
 * vendor, is reached this way. 2xx = delivered (the answer is recorded);
 * 408/429/5xx/network errors are retried with backoff; other 4xx fail for good.
 */
export function createWebhookProvider(o: WebhookOptions): ChannelProvider {
  const doFetch = o.fetchImpl ?? fetch;
  return {
    name: `webhook:${o.url}`,
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
      const body = JSON.stringify({ id: msg.key, channel: msg.channel, to: msg.to, template: msg.template, variant: msg.variant, journeyId: msg.journeyId, nodeId: msg.nodeId, payload });
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
        return { status: 'failed', retry, error: `HTTP ${res.status}`, response: { status: res.status, body: response } };
      } catch (e) {
        return { status: 'failed', retry: true, error: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}
