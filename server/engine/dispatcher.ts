import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { channels } from '../../shared/journey/channels';
import { seededRng } from '../../shared/util/hash';
import type { ChannelProvider, SimulatedResponse } from '../channels/provider';
import type { TemplateStore } from '../templates/store';
import { createOutbox, type ClaimedMessage, type Outbox } from '../outbox';
import { defaultRetryPolicy, type RetryPolicy } from '../outbox/retry';
import { createChannelHealth, type HealthOptions } from '../outbox/health';
import { createRenderer, type Prepared, type Sent } from './renderMessage';
import { log as processLog } from '../obs/log';
import { journeyErrorsOf } from './journeyErrors';
import { createSettle, type Answer } from './settle';
import { defaultYieldAfterMs, sliceEndsAt as sliceEnds } from '../db/writeGate';

export interface DispatcherOptions {
  /** messages per second per channel */
  rates: Record<Channel, number>;
  /** messages out with a provider at once, per channel, unless the provider says (ChannelProvider.maxInFlight): what a crash can send twice */
  maxInFlight: number;
  /** inline mode: messages one dispatch call sends per channel at most, so a tick stays bounded; the rest waits for the next */
  maxPerCall: number;
  /** backoff and horizon; a provider's own `retryHorizonMs` wins for its channel */
  retry: Partial<RetryPolicy>;
  /**
   * Channel lanes keep going between ticks (a real clock): a tick never waits
   * for a provider and a slow channel never holds up another. Off, the
   * default: `dispatch(now)` returns once what it started is settled (the
   * fake clock's simulation, tests, benches).
   */
  background: boolean;
  /** [0, 1) for a retry's jitter; default a draw keyed by the message and attempt from the workspace's seed */
  random?: (key: string, attempt: number) => number;
  /** how long a claim holds a message (wall-clock ms) before another engine may take it back */
  leaseMs: number;
  /** how often (wall-clock ms) a dispatch also takes back expired leases, which start-up recovery alone left until a restart */
  recoverEveryMs: number;
  /**
   * With the engine on its own thread: once a settle or the start of a claim's
   * sends has held the write lock this long (ms) and an API writer waits, it
   * commits what it has done and goes on in a new transaction, the API's write
   * first. A settle of 500 answers held the lock 10–70 ms; every /v1/track
   * behind it waited as long.
   */
  yieldAfterMs: number;
  /**
   * Messages a claim takes a statement. A lane claims what it has room for
   * in one transaction, step after step, which ends early once an API writer
   * waits (`yieldAfterMs`), and the lane claims the rest at once in the next.
   * A claim of up to 500 (the sandbox's in-flight limit) was one statement,
   * and in bench:api's loaded minute 84–276 of them held the write lock over
   * 6 ms (7–8 ms on average, up to 30) with a /v1 write waiting behind. Steps
   * of 100, each a transaction of its own, brought that to 5–16, but the
   * engine alone ran 17% slower in two paired runs (155–160k transitions/s
   * against 191–195k); sharing a transaction, they commit apart only for a
   * waiting writer.
   */
  claimStep: number;
  wallNow: () => number;
  /** one line per dead letter and per channel health change */
  log: (line: string) => void;
  health?: Partial<HealthOptions>;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  rates: { sms: 1000, push: 2000, voice: 100, email: 1000, webhook: 200, agent_call: 1000 },
  maxInFlight: 32,
  maxPerCall: 10_000,
  retry: defaultRetryPolicy,
  background: false,
  leaseMs: 5 * 60_000,
  recoverEveryMs: 60_000,
  yieldAfterMs: defaultYieldAfterMs,
  claimStep: 100,
  wallNow: Date.now,
  log: (line) => processLog.warn({ component: 'dispatcher' }, line),
};

export interface DispatchReport {
  sent: number;
  failed: number;
  retried: number;
  dead: number;
  /** queued messages left because a channel's rate was used up: they need the clock to move */
  throttled: boolean;
  /** queued messages left because this call's budget ran out (in background: a lane is still at work): the next tick takes them */
  backlog: boolean;
}

export interface DispatcherDeps {
  db: Db;
  /** the database's templates: a message renders its template's current version (compiled once, cached) */
  templates: TemplateStore;
  providers: Record<Channel, ChannelProvider>;
  settings: () => { timezone: string; rngSeed: number };
  /** the origin tracked links point at, e.g. https://go.example.com */
  publicUrl: () => string;
  /** keys the HMAC in link codes */
  linkSecret: () => string;
  /** simulated replies (sandbox) become events at `at`; the message they answer rides along */
  onResponse: (contactId: number, messageId: number, r: SimulatedResponse, at: number) => void;
  options?: Partial<DispatcherOptions>;
  /** the outbox it claims from and settles to (default: one over `db`) */
  outbox?: Outbox;
}

/** One channel's worker: claims while it has room, settles as answers come. */
interface Lane {
  channel: Channel;
  limit: number;
  policy: RetryPolicy;
  /** claimed and not yet settled */
  inFlight: number;
  /** the clock as the latest dispatch call gave it */
  now: number;
  /** the `now` at which a claim last found nothing more due: no query again until the next dispatch call */
  drainedAt: number | null;
  running: Promise<void> | null;
  wake: (() => void)[];
}

const newReport = (): DispatchReport => ({ sent: 0, failed: 0, retried: 0, dead: 0, throttled: false, backlog: false });

/**
 * Drains the outbox to channel providers, each channel on a lane of its own:
 * at most `maxInFlight` messages out per channel, claimed under a lease, and
 * each settled as soon as its provider answers (answers that arrive in one
 * turn of the event loop share a commit). A crash therefore re-sends only what
 * was out at that moment, never what the server had recorded. Per-channel
 * rate limits (a token bucket on the injected clock), retries with
 * exponential backoff and jitter over a horizon, then a dead letter; a
 * channel's error rate feeds its health.
 */
export function createDispatcher({ db, templates, providers, settings, publicUrl, linkSecret, onResponse, options, outbox: given }: DispatcherDeps) {
  const o: DispatcherOptions = { ...defaultDispatcherOptions, ...options, rates: { ...defaultDispatcherOptions.rates, ...options?.rates } };
  const retry: RetryPolicy = { ...defaultRetryPolicy, ...options?.retry };
  const c = db.$client;
  const outbox = given ?? createOutbox(db, { wallNow: o.wallNow, leaseMs: o.leaseMs });
  const journeyErrors = journeyErrorsOf(db);
  const health = createChannelHealth(db, o.log, o.health);
  const render = createRenderer({ templates, providers, publicUrl, linkSecret });
  const tokens = new Map<Channel, { n: number; at: number }>();
  const anyDue = c.prepare<[string, number], { one: number }>(`select 1 one from messages where status = 'queued' and channel = ? and next_attempt_at <= ? limit 1`);
  const lanes = channels.map((channel): Lane => ({
    channel,
    limit: Math.max(1, providers[channel].maxInFlight ?? o.maxInFlight),
    policy: { ...retry, ...(providers[channel].retryHorizonMs ? { horizonMs: providers[channel].retryHorizonMs } : {}) },
    inFlight: 0,
    now: 0,
    drainedAt: null,
    running: null,
    wake: [],
  }));
  // background lanes count here between dispatch calls; inline ones into their call's report
  let background = newReport();

  function take(channel: Channel, now: number): number {
    const rate = o.rates[channel];
    const t = tokens.get(channel) ?? { n: rate, at: now };
    const n = Math.min(rate, t.n + (Math.max(0, now - t.at) / 1000) * rate);
    tokens.set(channel, { n, at: Math.max(now, t.at) });
    return Math.floor(n);
  }

  /** A slice that began at `from` ends before item `i` (writeGate.ts: one item at least, then once an API writer waits). */
  const sliceEndsAt = (i: number, from: number) => sliceEnds(c, i, from, o.yieldAfterMs);

  const jitter = (key: string, attempt: number) => (o.random ?? ((k: string, a: number) => seededRng(settings().rngSeed)(`${k}:retry:${a}`)))(key, attempt);

  const settleGroup = createSettle({ db, outbox, health, onResponse, jitter, log: o.log, sliceEndsAt });

  // start-up recovery has just run (services): the next is one interval on
  let recoveredAt = o.wallNow();

  // answers wait here for the next turn of the event loop, then settle together
  let pending: (Answer & { lane: Lane })[] = [];
  let flushing = false;
  function flush(): void {
    flushing = false;
    const batch = pending;
    pending = [];
    let from = 0;
    try {
      while (c.open && from < batch.length) from = settleGroup(batch, from);
    } catch (e) {
      // the rows stay `sending` under this engine's lease: a dispatch takes them back once it expires (recoverEveryMs)
      o.log(`could not record ${batch.length - from} provider answers: ${e instanceof Error ? e.message : String(e)}`);
    }
    const woken = new Set<Lane>();
    for (const { lane } of batch) {
      lane.inFlight--;
      woken.add(lane);
    }
    for (const lane of woken) for (const w of lane.wake.splice(0)) w();
  }
  const answered = (lane: Lane, s: Sent, report: () => DispatchReport) => {
    pending.push({ lane, s, report });
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };

  /** `start` the sends of `prepared` from `from` on in one transaction, until the end or an API writer waits (`yieldAfterMs`); returns where it stopped. */
  const startSends = outbox.transaction((start: (p: Prepared) => void, prepared: readonly Prepared[], from: number): number => {
    let i = from;
    for (; i < prepared.length && !sliceEndsAt(i, from); i++) start(prepared[i] as Prepared);
    return i;
  });

  /**
   * Claim up to `want` of a channel's due messages, `claimStep` a statement, in
   * one transaction that ends early once an API writer waits (`yieldAfterMs`);
   * `drained` when fewer were due than asked.
   */
  const claimSteps = c.transaction((channel: Channel, now: number, want: number): { rows: ClaimedMessage[]; drained: boolean } => {
    const rows: ClaimedMessage[] = [];
    for (let i = 0; rows.length < want && !sliceEndsAt(i, 0); i++) {
      const step = Math.min(o.claimStep, want - rows.length);
      const got = outbox.claim(channel, now, step, (claimedRows) => claimedRows);
      rows.push(...got);
      if (got.length < step) return { rows, drained: true };
    }
    return { rows, drained: false };
  });

  /** Claim and send until nothing more is due (or the rate, or this call's budget, runs out) and everything out has answered. */
  async function runLane(lane: Lane, report: () => DispatchReport, budget: number): Promise<void> {
    let claimed = 0;
    let stop = false;
    for (;;) {
      const now = lane.now;
      // the server closed its connection (a stop): claim nothing more; what is out is recovered on the next start
      if (!c.open) return;
      if (!stop && lane.inFlight < lane.limit && lane.drainedAt !== now) {
        const tokensLeft = take(lane.channel, now);
        const want = Math.min(lane.limit - lane.inFlight, tokensLeft, budget - claimed);
        if (want <= 0) {
          stop = true;
          if (anyDue.get(lane.channel, now)) report()[tokensLeft <= 0 ? 'throttled' : 'backlog'] = true;
        } else {
          const s = settings();
          const rng = seededRng(s.rngSeed);
          // rendered once the claim has committed, outside any transaction: a claim of hundreds of messages
          // would otherwise hold the write lock, and every other writer (the API's), while templates render.
          // The sends start inside one short transaction, so what providers record as they accept (the
          // sandbox's delivery log, an agent's task) commits once for the claim, not once per message
          // (once per slice while an API writer waits: yieldAfterMs)
          const { rows, drained } = claimSteps(lane.channel, now, want);
          const n = rows.length;
          if (n > 0) {
            const prepared = rows.map((row) => render.prepare(row, lane.channel, s, rng));
            const start = (p: Prepared) => {
              // a template that throws as it renders stops its journey (marked, the reason on its page), never the lane or another journey
              if (!p.ready && p.sent.result.status === 'failed') journeyErrors.mark(p.sent.row.journey_id, `dispatcher: ${p.sent.result.error}`, now);
              void render.send(p, lane.channel, now).then((sent) => answered(lane, sent, report));
            };
            for (let from = 0; from < n;) from = startSends(start, prepared, from);
          }
          lane.inFlight += n;
          claimed += n;
          const t = tokens.get(lane.channel);
          if (t) t.n -= n;
          if (drained) lane.drainedAt = now;
          // cut short for an API writer (or all that was wanted, with room left): the next claim at once, not after the first answer
          else if (lane.inFlight < lane.limit) continue;
        }
      }
      if (lane.inFlight === 0 && (stop || lane.drainedAt === lane.now)) return;
      await new Promise<void>((resolve) => lane.wake.push(resolve));
    }
  }

  return {
    /** On start: messages whose lease expired (a crashed engine's) go again under the same key, unless their journey was paused or archived meanwhile. */
    recover: (now: number): number => outbox.recover(now),

    /**
     * Send what is due at `now`, every channel at once. Inline (default): at
     * most `maxPerCall` per channel, returning when all of it is settled.
     * Background: wakes the idle lanes and moves every lane's clock to `now`,
     * and returns what was settled since the last call without waiting.
     */
    async dispatch(now: number): Promise<DispatchReport> {
      // a lease that ran out while this engine runs (a settle that could not be written, a restart inside the lease)
      const wall = o.wallNow();
      if (wall - recoveredAt >= o.recoverEveryMs) {
        recoveredAt = wall;
        const n = outbox.recover(now, 'lease_expired');
        if (n > 0) o.log(`took back ${n} messages whose lease ran out; they go again under the same idempotency key`);
      }
      for (const lane of lanes) {
        lane.now = Math.max(lane.now, now);
        // the runner may have queued more at this very moment: look again
        lane.drainedAt = null;
      }
      if (o.background) {
        for (const lane of lanes)
          if (!lane.running)
            lane.running = runLane(lane, () => background, Number.POSITIVE_INFINITY)
              .catch((e: unknown) => o.log(`${lane.channel} lane stopped: ${e instanceof Error ? e.message : String(e)}`))
              .finally(() => (lane.running = null));
        // one turn of the event loop: answers already in settle, so a caller that ticks in a loop until no
        // backlog is left (the demo's replay) sees progress rather than spinning on microtasks
        await new Promise<void>((resolve) => setImmediate(resolve));
        const r = background;
        background = newReport();
        r.backlog ||= lanes.some((l) => l.running !== null);
        return r;
      }
      const report = newReport();
      await Promise.all(
        lanes.map(async (lane) => {
          // a lane still busy from an earlier call finishes first: one runner per lane
          while (lane.running) await lane.running;
          const run = runLane(lane, () => report, o.maxPerCall).finally(() => (lane.running = null));
          lane.running = run;
          return run;
        }),
      );
      return report;
    },

    /** Resolves once no lane is running (tests of the background mode, a clean stop). */
    async idle(): Promise<void> {
      while (lanes.some((l) => l.running !== null)) await Promise.all(lanes.map((l) => l.running ?? Promise.resolve()));
    },

    /** Messages out with providers now, per channel. */
    inFlight: (): Record<Channel, number> => Object.fromEntries(lanes.map((l) => [l.channel, l.inFlight])) as Record<Channel, number>,

    /** A channel's health as this engine sees it. */
    health: (channel: Channel) => health.state(channel),
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
