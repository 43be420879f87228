import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { sendOnEventGraph } from '../../shared/fixtures/builders';
import type { ChannelProvider } from '../channels/provider';
import { recordTick } from './metrics';

/** 12:00 in Shanghai: the first SMS goes out; twelve hours later quiet hours hold the next. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** The value of one series in Prometheus text, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string | undefined> = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics: Prometheus text with the engine, outbox, provider, ingest and HTTP series', () => {
  let w: HttpWorld;
  const sms: ChannelProvider = { name: 'test-gateway', send: async () => ({ status: 'sent' }) };

  beforeAll(async () => {
    w = await anHttpWorld(NOON_SH, { services: { providers: { sms } } });
    const { id } = await w.trpc.journeys.create.mutate({ name: 'Metrics' });
    await w.trpc.journeys.saveDraft.mutate({ id, graph: sendOnEventGraph() });
    await w.trpc.journeys.publish.mutate({ id });
    await w.ingest('track', { userId: 'a', event: 'credit_rejected', messageId: 'm-1' });
    await w.ingest('track', { userId: 'a', event: 'credit_rejected', messageId: 'm-1' });
    await w.trpc.dev.advanceClock.mutate({ ms: 0 });
    // midnight in Shanghai: the next SMS waits for quiet hours to end
    await w.trpc.dev.advanceClock.mutate({ ms: 12 * 3600_000 });
    await w.ingest('track', { userId: 'b', event: 'credit_rejected' });
    await w.trpc.dev.advanceClock.mutate({ ms: 0 });
    await w.trpc.journeys.list.query();
  });
  afterAll(() => w?.close());

  it('serves the text format without a session', async () => {
    const res = await fetch(`${w.server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('exposes every named series', async () => {
    const text = await (await fetch(`${w.server.url}/metrics`)).text();
    for (const name of [
      'journeys_http_request_duration_seconds',
      'journeys_engine_tick_duration_seconds',
      'journeys_engine_tick_overruns_total',
      'journeys_engine_transitions_total',
      'journeys_engine_enrolled_total',
      'journeys_dispatch_messages_total',
      'journeys_messages_sent_total',
      'journeys_provider_request_duration_seconds',
      'journeys_provider_errors_total',
      'journeys_outbox_messages',
      'journeys_outbox_dead_letters',
      'journeys_ingest_calls_total',
      'journeys_events_inbox_events',
      'journeys_events_indexed_total',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(text, name).toContain(`# TYPE ${name} `);
  });

  it('counts what happened: queue depth by channel and status, provider calls, ingested calls, HTTP latency by route', async () => {
    const text = await (await fetch(`${w.server.url}/metrics`)).text();
    expect(sample(text, 'journeys_outbox_messages', { channel: 'sms', status: 'deferred' })).toBe(1);
    expect(sample(text, 'journeys_provider_request_duration_seconds_count', { channel: 'sms', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'journeys_messages_sent_total', { channel: 'sms' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'journeys_ingest_calls_total', { result: 'accepted' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'journeys_ingest_calls_total', { result: 'duplicate' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'journeys_http_request_duration_seconds_count', { method: 'GET', route: '/trpc/journeys.list', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'journeys_http_request_duration_seconds_count', { method: 'POST', route: '/v1/track', status: '200' })).toBeGreaterThanOrEqual(3);
    // a route is its pattern, never the raw path: no series per link code or contact
    expect(text).not.toMatch(/route="\/l\/[^:]/);
  });

  it('counts the queued events each tick indexed, and those it dropped as retries', async () => {
    const scrape = async () => (await fetch(`${w.server.url}/metrics`)).text();
    const count = (text: string, result: string) => sample(text, 'journeys_events_indexed_total', { result }) ?? 0;
    const before = await scrape();
    const tick = await w.server.services.engine.tick(w.clock.now());
    if (!tick) throw new Error('the engine did not tick');
    recordTick({ ...tick, inbox: { indexed: 5, duplicates: 2, backlog: false } }, 0.01);
    const after = await scrape();
    expect(count(after, 'indexed') - count(before, 'indexed')).toBe(5);
    expect(count(after, 'duplicate') - count(before, 'duplicate')).toBe(2);
  });
});
