import type { Channel } from '../../shared/journey/channels';

/** One message as a provider sees it: rendered, addressed, keyed. */
export interface OutboundMessage {
  id: number;
  /** idempotency key `run:node:visit`; providers pass it on so a vendor can dedupe too */
  key: string;
  channel: Channel;
  to: { contactId: number; externalId: string | null; phone: string | null; email: string | null };
  template: string;
  variant: string | null;
  /** rendered parts, e.g. {body} for SMS, {title, body} for push */
  parts: Record<string, string>;
  /** the tracked short links printed in the parts, in order */
  links: { code: string; url: string }[];
  journeyId: string;
  nodeId: string;
  /** a test send (server/testSends/): addressed to a test contact, never to the contact whose traits filled it */
  test?: boolean;
}

/**
 * What a provider answers. `retry` asks the dispatcher to try again with
 * backoff (timeouts, 5xx, 429); a plain failure is final. `retryAfterMs` is
 * the vendor's own word on when to come back (`Retry-After`): no retry goes sooner.
 */
export type DeliveryResult = { status: 'sent' | 'delivered'; response?: unknown } | { status: 'failed'; retry: boolean; error: string; retryAfterMs?: number; response?: unknown };

/** A simulated reply from the outside world (a click, an `app_login`, a keypress on a call). */
export interface SimulatedResponse {
  event: string;
  properties: Record<string, unknown>;
  /** ms after the send */
  delay: number;
}

export interface ChannelProvider {
  readonly name: string;
  /** messages out with this provider at once (default: the dispatcher's); also the most a crash can send twice */
  readonly maxInFlight?: number;
  /** how long a failing message is retried before it is a dead letter (default: the dispatcher's, 24 h) */
  readonly retryHorizonMs?: number;
  send: (msg: OutboundMessage, now: number) => Promise<DeliveryResult & { responses?: SimulatedResponse[] }>;
}
