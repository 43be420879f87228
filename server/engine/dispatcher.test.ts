import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { sendOnEventGraph } from '../../shared/fixtures/builders';
import { channels, type Channel } from '../../shared/journey/channels';
import { MINUTE } from '../../shared/util/time';
import type { ChannelProvider, DeliveryResult } from '../channels/provider';
import { createSandboxProvider } from '../channels/sandbox';
import { createTemplateStore } from '../templates/store';
import { createDispatcher, type DispatcherOptions } from './dispatcher';
import { createOutbox, type Outbox } from '../outbox';
import { apiSideOf, attachWriteGate, createWriteGate, observeWriteLock } from '../db/writeGate';

const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A provider that answers `answer` after `delayMs` of real time, counting how many it has out at once. */
function aProvider(delayMs: number, answer: (n: number) => DeliveryResult = () => ({ status: 'delivered' }), extra: Partial<ChannelProvider> = {}) {
  const p = { calls: 0, open: 0, maxOpen: 0, keys: [] as string[] };
  const provider: ChannelProvider = {
    name: 'test',
    ...extra,
    async send(msg) {
      p.calls++;
      p.keys.push(msg.key);
      p.open++;
      p.maxOpen = Math.max(p.maxOpen, p.open);
      try {
        if (delayMs > 0) await sleep(delayMs);
        return answer(p.calls);
      } finally {
        p.open--;
      }
    },
  };
  return Object.assign(p, { provider });
}

describe('the dispatcher: channel lanes, bounded in flight, settled as answered', () => {
  let w: TestWorld;
  let logs: string[];
  beforeEach(() => {
    w = aTestWorld(NOON_SH);
    logs = [];
  });
  afterEach(async () => {
    await sleep(10); // let stray answers settle before the file goes
    w.close();
  });

  /** A dispatcher of its own on the world's database (the engine's stays idle): these providers, these options (and this outbox). */
  function aDispatcher(providers: Partial<Record<Channel, ChannelProvider>>, options: Partial<DispatcherOptions> = {}, templates = createTemplateStore(w.db), outbox?: Outbox) {
    const sandbox = createSandboxProvider('email', { seed: 1, record: () => true });
    return createDispatcher({
      db: w.db,
      templates,
      providers: Object.fromEntries(channels.map((ch) => [ch, providers[ch] ?? sandbox])) as Record<Channel, ChannelProvider>,
      settings: () => w.services.workspace.settings(),
      publicUrl: () => 'http://localhost:3000',
      linkSecret: () => 'secret',
      onResponse: () => {},
      options: { log: (l) => logs.push(l), ...options },
      ...(outbox ? { outbox } : {}),
    });
  }
  /**
   * The world's connection as the engine thread's: a gate shared with an API
   * thread, which the test plays by setting its waiting count, and the
   * engine's takes of the lock counted (the caller stops the count).
   */
  function asEngineThread() {
    const gate = createWriteGate();
    attachWriteGate(w.db.$client, gate, 'engine', 0);
    const lock = { apiWaiting: apiSideOf(gate).waiting, takes: 0 };
    observeWriteLock((role) => {
      if (role === 'engine') lock.takes++;
    });
    return lock;
  }
  /** `n` contacts get a message on `channel` (queued by the runner, not sent). */
  async function queue(channel: 'sms' | 'push', n: number, from = 0) {
    const event = `go_${channel}`;
    if (!w.sql<{ n: number }>('select count(*) n from journeys where name = ?', channel)[0]?.n)
      await w.publish(sendOnEventGraph({ event, node: channel, channel, template: channel === 'sms' ? 'recall_sms' : 'idle_push' }), channel);
    w.services.ingest.ingest(Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `${channel}${from + i}`, event })));
    w.services.engine.runner.tick(w.clock.now());
  }
  const statuses = (channel: string) => w.sql<{ status: string }>('select status from messages where channel = ? order by id', channel).map((r) => r.status);

  it('a vendor taking 2 s per message on one channel does not delay another channel’s sends', async () => {
    const slow = aProvider(2000);
    const fast = aProvider(0);
    await queue('sms', 3);
    await queue('push', 3);
    const d = aDispatcher({ sms: slow.provider, push: fast.provider });
    const started = performance.now();
    const all = d.dispatch(w.clock.now());
    while (statuses('push').some((s) => s !== 'delivered') && performance.now() - started < 1500) await sleep(5);
    const pushMs = performance.now() - started;
    expect(statuses('push')).toEqual(['delivered', 'delivered', 'delivered']);
    expect(statuses('sms')).toEqual(['sending', 'sending', 'sending']);
    expect(pushMs).toBeLessThan(300);
    expect(await all).toMatchObject({ sent: 6 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('in background, a tick never waits for a slow vendor, and the next tick’s messages on another channel go at once', async () => {
    const slow = aProvider(2000);
    const fast = aProvider(0);
    await queue('sms', 2);
    await queue('push', 2);
    const d = aDispatcher({ sms: slow.provider, push: fast.provider }, { background: true });
    let t = performance.now();
    const first = await d.dispatch(w.clock.now());
    expect(performance.now() - t).toBeLessThan(200);
    expect(first.backlog).toBe(true); // the SMS lane is still at work
    await queue('push', 2, 2);
    t = performance.now();
    const second = await d.dispatch(w.clock.now() + 1000);
    while (statuses('push').some((s) => s !== 'delivered') && performance.now() - t < 1500) await sleep(5);
    expect(statuses('push')).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect(performance.now() - t).toBeLessThan(300);
    expect(statuses('sms')).toEqual(['sending', 'sending']);
    await d.idle();
    expect(statuses('sms')).toEqual(['delivered', 'delivered']);
    // each call reports what settled since the one before: every message once
    const third = await d.dispatch(w.clock.now() + 3000);
    expect(first.sent + second.sent + third.sent).toBe(6);
    expect(third.backlog).toBe(false);
  });

  it('renders what it claimed outside any transaction, then starts the sends inside one, so what a provider records commits once', async () => {
    await queue('sms', 5);
    const store = createTemplateStore(w.db);
    const rendering: boolean[] = [];
    const templates = { ...store, compiledCurrent: (key: string) => (rendering.push(w.db.$client.inTransaction), store.compiledCurrent(key)) };
    // a provider that records as it accepts, as the sandbox and the agent-call provider do
    const accepting: boolean[] = [];
    const recording: ChannelProvider = { name: 'recording', send: () => (accepting.push(w.db.$client.inTransaction), Promise.resolve({ status: 'delivered' })) };
    expect(await aDispatcher({ sms: recording }, {}, templates).dispatch(w.clock.now())).toMatchObject({ sent: 5 });
    expect(rendering).toEqual([false, false, false, false, false]);
    expect(accepting).toEqual([true, true, true, true, true]);
  });

  it('on its own thread, lets a waiting API writer in between slices of a settle and of the start of sends: nothing holds the lock for a whole claim', async () => {
    const lock = asEngineThread();
    const accepting: boolean[] = [];
    const recording: ChannelProvider = { name: 'recording', send: () => (accepting.push(w.db.$client.inTransaction), Promise.resolve({ status: 'delivered' })) };
    const d = aDispatcher({ sms: recording }, { yieldAfterMs: 0 });
    try {
      // no API writer: the sends of a claim start in one transaction, the answers of one turn settle in one
      await queue('sms', 20);
      lock.takes = 0;
      expect(await d.dispatch(w.clock.now())).toMatchObject({ sent: 20 });
      const quiet = lock.takes;
      expect(quiet).toBeLessThan(20);
      // an API writer waiting all along: each start and each settle is a slice of its own, the writer's turn between two
      await queue('sms', 20, 20);
      lock.apiWaiting(1);
      lock.takes = 0;
      expect(await d.dispatch(w.clock.now())).toMatchObject({ sent: 20 });
      expect(lock.takes).toBeGreaterThanOrEqual(quiet + 19 + 19);
      // nothing lost or doubled by the slicing: every message sent once, each accepted inside a transaction, each settled
      expect(accepting).toHaveLength(40);
      expect(accepting.every(Boolean)).toBe(true);
      expect(statuses('sms')).toEqual(Array.from({ length: 40 }, () => 'delivered'));
      expect(w.sql<{ n: number }>(`select coalesce(sum(count), 0) n from metrics where metric = 'sent'`)[0]?.n).toBe(40);
    } finally {
      lock.apiWaiting(0);
      observeWriteLock(null);
    }
  });

  it('claims claimStep messages a statement, all in one transaction unless an API writer waits, and each step goes out before the first answer', async () => {
    // each claim notes how many takes of the lock came before it
    const lock = asEngineThread();
    const outbox = createOutbox(w.db);
    const claims: { limit: number; takesBefore: number }[] = [];
    const noting: Outbox = { ...outbox, claim: (channel, now, limit, start) => (claims.push({ limit, takesBefore: lock.takes }), outbox.claim(channel, now, limit, start)) };
    // a vendor answering after 30 ms, with room for 250 out at once
    const p = aProvider(30, undefined, { maxInFlight: 250 });
    const d = aDispatcher({ sms: p.provider }, { claimStep: 100, yieldAfterMs: 0 }, undefined, noting);
    try {
      await queue('sms', 250);
      expect(await d.dispatch(w.clock.now())).toMatchObject({ sent: 250 });
      const quiet = claims.splice(0, 3);
      expect(quiet.map((c) => c.limit)).toEqual([100, 100, 50]);
      expect(new Set(quiet.map((c) => c.takesBefore)).size).toBe(1);
      expect(p.maxOpen).toBe(250);
      // an API writer waiting all along: each step commits, and the writer's turn comes before the next
      await queue('sms', 250, 250);
      claims.length = 0;
      p.maxOpen = 0;
      lock.apiWaiting(1);
      expect(await d.dispatch(w.clock.now())).toMatchObject({ sent: 250 });
      const cut = claims.slice(0, 3);
      expect(cut.map((c) => c.limit)).toEqual([100, 100, 50]);
      expect(new Set(cut.map((c) => c.takesBefore)).size).toBe(3);
      expect(p.maxOpen).toBe(250);
      expect(statuses('sms')).toEqual(Array.from({ length: 500 }, () => 'delivered'));
    } finally {
      lock.apiWaiting(0);
      observeWriteLock(null);
    }
  });

  it('keeps at most maxInFlight messages out per channel, and a provider may set its own', async () => {
    const p = aProvider(15);
    await queue('sms', 20);
    expect(await aDispatcher({ sms: p.provider }, { maxInFlight: 4 }).dispatch(w.clock.now())).toMatchObject({ sent: 20 });
    expect(p.maxOpen).toBe(4);
    const own = aProvider(15, undefined, { maxInFlight: 2 });
    await queue('push', 6);
    await aDispatcher({ push: own.provider }, { maxInFlight: 4 }).dispatch(w.clock.now());
    expect(own.maxOpen).toBe(2);
  });

  it('records each message as soon as its provider answers: only what is still out would go again after a crash', async () => {
    const gates: (() => void)[] = [];
    const gated: ChannelProvider = { name: 'gated', send: () => new Promise<DeliveryResult>((resolve) => gates.push(() => resolve({ status: 'delivered' }))) };
    await queue('sms', 3);
    const out = aDispatcher({ sms: gated }).dispatch(w.clock.now());
    while (gates.length < 3) await sleep(1);
    gates[1]!();
    await sleep(5);
    expect(statuses('sms')).toEqual(['sending', 'delivered', 'sending']);
    gates[0]!();
    gates[2]!();
    await out;
    expect(statuses('sms')).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('takes back a lease that ran out while it runs (an answer it could not write), once the lease is over, and sends the message again', async () => {
    let wall = 1_000_000;
    await queue('sms', 2);
    const p = aProvider(0);
    const d = aDispatcher({ sms: p.provider }, { wallNow: () => wall, leaseMs: 60_000, recoverEveryMs: 30_000 });
    // this engine claimed one and its answer was never written (the settle failed): left sending, under this engine's lease
    const [stuck] = createOutbox(w.db, { wallNow: () => wall, leaseMs: 60_000 }).claim('sms', w.clock.now(), 1, (r) => r.map((x) => x.id));
    await d.dispatch(w.clock.now());
    expect(statuses('sms')).toEqual(['sending', 'delivered']);
    // the lease has 20 s left: nothing is taken back
    wall += 40_000;
    await d.dispatch(w.clock.now());
    expect(statuses('sms')).toEqual(['sending', 'delivered']);
    wall += 30_000;
    await d.dispatch(w.clock.now());
    expect(statuses('sms')).toEqual(['delivered', 'delivered']);
    expect(logs).toContain('took back 1 messages whose lease ran out; they go again under the same idempotency key');
    const history = JSON.parse(w.sql<{ history: string }>('select history from messages where id = ?', stuck)[0]!.history) as { status: string; detail?: { reason?: string } }[];
    expect(history.map((h) => [h.status, h.detail?.reason])).toEqual([
      ['queued', undefined],
      ['sending', undefined],
      ['queued', 'lease_expired'],
      ['sending', undefined],
      ['sent', undefined],
      ['delivered', undefined],
    ]);
  });

  it('waits at least as long as the vendor’s Retry-After, with jitter drawn from the injected random', async () => {
    const p = aProvider(0, (n) => (n === 1 ? { status: 'failed', retry: true, error: 'HTTP 429', retryAfterMs: 10 * MINUTE } : { status: 'failed', retry: true, error: 'HTTP 503' }));
    await queue('sms', 1);
    const d = aDispatcher({ sms: p.provider }, { random: () => 0 });
    expect(await d.dispatch(w.clock.now())).toMatchObject({ retried: 1 });
    const m = () => w.sql<{ status: string; next_attempt_at: number; error: string; attempts: number }>('select status, next_attempt_at, error, attempts from messages')[0];
    expect(m()).toEqual({ status: 'queued', next_attempt_at: NOON_SH + 10 * MINUTE, error: 'HTTP 429', attempts: 1 });
    expect((await d.dispatch(NOON_SH + 10 * MINUTE - 1)).retried).toBe(0);
    expect(await d.dispatch(NOON_SH + 10 * MINUTE)).toMatchObject({ retried: 1 });
    // no Retry-After: the backoff's own wait, 2 min for the second retry, half of it with random() = 0
    expect(m()).toEqual({ status: 'queued', next_attempt_at: NOON_SH + 11 * MINUTE, error: 'HTTP 503', attempts: 2 });
  });

  it('a message still failing at the end of its retry horizon is a dead letter, with one log line; the channel’s health turns once', async () => {
    const p = aProvider(0, () => ({ status: 'failed', retry: true, error: 'HTTP 503' }), { retryHorizonMs: 30 * MINUTE });
    await queue('sms', 12);
    const d = aDispatcher({ sms: p.provider }, { random: () => 0.5 });
    const seen = { retried: 0, dead: 0 };
    for (let now = w.clock.now(); now < NOON_SH + 2 * 60 * MINUTE; now += MINUTE) {
      const r = await d.dispatch(now);
      seen.retried += r.retried;
      seen.dead += r.dead;
    }
    expect(seen.dead).toBe(12);
    expect(new Set(statuses('sms'))).toEqual(new Set(['dead']));
    const dead = w.sql<{ error: string; attempts: number; first_failed_at: number }>('select error, attempts, first_failed_at from messages');
    for (const m of dead) expect(m).toMatchObject({ error: 'HTTP 503', first_failed_at: NOON_SH });
    expect(dead[0]!.attempts).toBeGreaterThan(3);
    const deathLines = logs.filter((l) => l.includes('is a dead letter'));
    expect(deathLines).toHaveLength(12);
    expect(deathLines[0]).toMatch(
      /^message \d+ \(key \d+:sms:\d+, sms, journey [^,]+, node sms\) is a dead letter: the next try would come more than 30 min after the first failure .*; last error: HTTP 503$/,
    );
    expect(logs.filter((l) => l.startsWith('channel sms'))).toEqual(['channel sms failing: 10 of 10 attempts failed (100%) in the last 5 min; last error: HTTP 503']);
    expect(w.sql(`select state, last_error from channel_health where channel = 'sms'`)).toEqual([{ state: 'failing', last_error: 'HTTP 503' }]);
    expect(w.sql(`select sum(count) n from metrics where metric = 'dead'`)).toEqual([{ n: 12 }]);
  });
});
