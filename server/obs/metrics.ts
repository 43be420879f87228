import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Channel } from '../../shared/journey/channels';
import type { ChannelProvider, DeliveryResult } from '../channels/provider';
import type { Db } from '../db/client';
import type { GateRole } from '../db/writeGate';
import type { EngineTick } from '../engine';
import { createEventInbox } from '../engine/eventInbox';

/**
 * What /metrics serves, in Prometheus' text format. Counters and histograms
 * are process-wide (one server per process in production; in tests they only
 * add up), so any module can count without being handed a registry. Gauges
 * read from a database live in `serverMetrics`, one registry per server.
 */
export const processRegistry = new Registry();
// CPU, memory, GC and event-loop delay: the first place to look when the API is slow
collectDefaultMetrics({ register: processRegistry });

const registers = [processRegistry];
const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** HTTP latency by method, route (a pattern, never a raw path) and status. */
export const httpDuration = new Histogram({
  name: 'journeys_http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern (tRPC: the procedure) and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: seconds,
  registers,
});

export const tickDuration = new Histogram({
  name: 'journeys_engine_tick_duration_seconds',
  help: 'Wall time of one engine tick (enrolment, replies, runner, dispatcher)',
  buckets: seconds,
  registers,
});
export const tickOverruns = new Counter({ name: 'journeys_engine_tick_overruns_total', help: 'Episodes in which a tick was still running when the next was due', registers });
export const engineStarved = new Counter({
  name: 'journeys_engine_starved_total',
  help: 'Times the engine thread, in the background (SCHED_IDLE), was starved by other work and raised to normal priority for a while',
  registers,
});
export const engineThreadRaised = new Gauge({
  name: 'journeys_engine_thread_raised',
  help: '1 while the background engine thread runs at normal priority after being starved, else 0',
  registers,
});
export const transitions = new Counter({ name: 'journeys_engine_transitions_total', help: 'Runs stepped by the runner', registers });
export const enrolled = new Counter({ name: 'journeys_engine_enrolled_total', help: 'Runs started by segment entry', registers });
const indexed = new Counter({
  name: 'journeys_events_indexed_total',
  help: 'Queued events the engine took from the inbox: indexed into events, or dropped as a retry of a messageId already ingested',
  labelNames: ['result'] as const,
  registers,
});
export const dispatched = new Counter({
  name: 'journeys_dispatch_messages_total',
  help: 'Dispatcher outcomes per tick: sent, failed (final), retried, dead (dead-lettered)',
  labelNames: ['outcome'] as const,
  registers,
});
export const ingestCalls = new Counter({
  name: 'journeys_ingest_calls_total',
  help: 'Calls ingested on /v1/*: accepted, a duplicate messageId ignored, or queued for the engine to index (big batches of plain tracked events)',
  labelNames: ['result'] as const,
  registers,
});

/** One provider call: how long the vendor took, per channel and outcome (ok | retry | failed | error). */
export const providerDuration = new Histogram({
  name: 'journeys_provider_request_duration_seconds',
  help: 'Time a channel provider took to answer a send, by channel and outcome (ok, retry, failed, error)',
  labelNames: ['channel', 'outcome'] as const,
  buckets: seconds,
  registers,
});
export const providerErrors = new Counter({
  name: 'journeys_provider_errors_total',
  help: 'Provider sends that did not succeed, by channel and kind (retry: temporary, failed: final, error: threw)',
  labelNames: ['channel', 'kind'] as const,
  registers,
});
export const messagesSent = new Counter({ name: 'journeys_messages_sent_total', help: 'Messages a provider accepted, by channel', labelNames: ['channel'] as const, registers });

/**
 * The write lock the API and engine threads take before each write
 * transaction (db/writeGate.ts), by thread: how long it waited to get it and
 * held it. Under load, an API write's latency is its wait for one engine
 * transaction; the engine's holds say how long that can be.
 */
export const writeLockBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
export const writeLockWait = new Histogram({
  name: 'journeys_write_lock_wait_seconds',
  help: 'Time a thread waited for the shared write lock before a write transaction, by thread (api, engine)',
  labelNames: ['thread'] as const,
  buckets: writeLockBuckets,
  registers,
});
export const writeLockHold = new Histogram({
  name: 'journeys_write_lock_hold_seconds',
  help: 'Time a thread held the shared write lock (one write transaction), by thread (api, engine)',
  labelNames: ['thread'] as const,
  buckets: writeLockBuckets,
  registers,
});

/** Record one take of the write lock (db/writeGate.ts's observer; the engine thread's come with its tick replies). */
export function recordWriteLock(thread: GateRole, waitMs: number, holdMs: number): void {
  writeLockWait.observe({ thread }, waitMs / 1000);
  writeLockHold.observe({ thread }, holdMs / 1000);
}

export type ProviderOutcome = 'ok' | 'retry' | 'failed' | 'error';

/** Record one provider call (the dispatcher's API: call it once per send with the time it took). */
export function recordProviderCall(channel: Channel, elapsedSeconds: number, outcome: ProviderOutcome): void {
  providerDuration.observe({ channel, outcome }, elapsedSeconds);
  if (outcome === 'ok') messagesSent.inc({ channel });
  else providerErrors.inc({ channel, kind: outcome });
}

const outcomeOf = (r: DeliveryResult): ProviderOutcome => (r.status !== 'failed' ? 'ok' : r.retry ? 'retry' : 'failed');

/** A provider whose sends are timed and counted; what it answers, and its other settings, are unchanged. */
export function instrumentProvider(channel: Channel, provider: ChannelProvider, record: typeof recordProviderCall = recordProviderCall): ChannelProvider {
  return {
    ...provider,
    name: provider.name,
    async send(msg, now) {
      const t = performance.now();
      try {
        const r = await provider.send(msg, now);
        record(channel, (performance.now() - t) / 1000, outcomeOf(r));
        return r;
      } catch (e) {
        record(channel, (performance.now() - t) / 1000, 'error');
        throw e;
      }
    },
  };
}

/** What a finished tick adds to the counters. */
export function recordTick(t: EngineTick, elapsedSeconds: number): void {
  tickDuration.observe(elapsedSeconds);
  transitions.inc(t.runs.stepped);
  enrolled.inc(t.enrolled);
  if (t.inbox.indexed) indexed.inc({ result: 'indexed' }, t.inbox.indexed);
  if (t.inbox.duplicates) indexed.inc({ result: 'duplicate' }, t.inbox.duplicates);
  for (const outcome of ['sent', 'failed', 'retried', 'dead'] as const) if (t.dispatch[outcome] > 0) dispatched.inc({ outcome }, t.dispatch[outcome]);
}

/**
 * One server's metrics: the outbox queue and dead letters counted at scrape,
 * and the engine's tick lag, from `tickLagSeconds` (null: no scheduler ticks
 * this server, e.g. on a fake clock, and the series is left out rather than
 * reading a reassuring 0). Queued and dead messages are counted through their partial
 * indexes on every scrape. No index serves deferred, held and sending, so
 * those are recounted at most every `slowCountMs` (a scan of the outbox, whose
 * rows carry bodies and history, must not run on every scrape).
 */
export function serverMetrics(db: Db, tickLagSeconds: (() => number) | null, { slowCountMs = 60_000, now = Date.now }: { slowCountMs?: number; now?: () => number } = {}) {
  const registry = new Registry();
  const c = db.$client;
  type Count = { channel: string; status: string; n: number };
  const queued = c.prepare<[], Count>(`select channel, 'queued' status, count(*) n from messages where status = 'queued' group by channel`);
  const dead = c.prepare<[], Count>(`select channel, 'dead' status, count(*) n from messages where status = 'dead' group by channel`);
  const unindexed = c.prepare<[], Count>(`select channel, status, count(*) n from messages where status in ('deferred', 'held', 'sending') group by channel, status`);
  let slow: { at: number; rows: Count[] } | null = null;
  const counts = (): Count[] => {
    if (!c.open) return [];
    if (!slow || now() - slow.at >= slowCountMs) slow = { at: now(), rows: unindexed.all() };
    return [...queued.all(), ...slow.rows];
  };
  new Gauge({
    name: 'journeys_outbox_messages',
    help: 'Messages waiting in the outbox, by channel and status: queued (every scrape); deferred, held and sending (recounted at most once a minute)',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of counts()) this.set({ channel: r.channel, status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'journeys_outbox_dead_letters',
    help: 'Dead-lettered messages (retries exhausted), by channel',
    labelNames: ['channel'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of c.open ? dead.all() : []) this.set({ channel: r.channel }, r.n);
    },
  });
  const inbox = createEventInbox(db);
  new Gauge({
    name: 'journeys_events_inbox_events',
    help: 'Events of queued /v1/batch requests not yet indexed (the engine takes them at its next tick)',
    registers: [registry],
    collect() {
      this.set(c.open ? inbox.backlog().events : 0);
    },
  });
  if (tickLagSeconds)
    new Gauge({
      name: 'journeys_engine_tick_lag_seconds',
      help: 'Seconds since the engine last finished a tick',
      registers: [registry],
      collect() {
        this.set(tickLagSeconds());
      },
    });
  return {
    contentType: registry.contentType,
    /** The exposition text: this server's gauges and the process's counters. */
    render: (): Promise<string> => Registry.merge([processRegistry, registry]).metrics(),
  };
}
