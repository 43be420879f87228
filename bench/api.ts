/**
 * `npm run bench:api`: is the API responsive while the engine works at full
 * rate (issue 15, "A responsive API under load")? Prints the figures and
 * writes them to bench/api-results.json.
 *
 * Set-up: a temp SQLite file with BENCH_CONTACTS contacts (default 1M, as
 * bench/engine.ts seeds them) and BENCH_EVENTS events of 30 days' history
 * (default 0; /v1/batch slows as the events index outgrows the page cache:
 * about half the rate at 3M) in interleaved cohorts (trait cohort: a and b
 * 48% each, w 4%), a segment per cohort and a journey per segment (segment
 * entry once → SMS → wait 1 minute → push → exit; w's has no wait and is run
 * to the end first, to warm the engine up), the server of `npm start` on 127.0.0.1
 * (startServer: real clock, sandbox providers, four-eyes off), and every call
 * made over HTTP as a script would, signed in through POST /auth/sign-in.
 * The scheduler is off: this process ticks the engine itself at full rate,
 * tick after tick while there is work (a turn of the event loop between
 * ticks, as between the scheduler's), every 20 ms while there is none.
 *
 * Figures:
 * - the API alone: the same mix as below for BENCH_API_ALONE_SECONDS
 *   (default 15; 0 skips it) with the engine idle, the best the API can do
 *   on this machine whichever way the engine runs (no target: context).
 * - engine rate without load: journey A's node entries (metrics 'entered',
 *   as bench/engine.ts counts them) per second of the time the engine had
 *   work, over BENCH_API_SECONDS from its publication; no API traffic. A is
 *   paused at the end of its window so its second wave stays out of B's.
 * - API latency under load: a child process (bench/apiLoad.ts) sends
 *   BENCH_API_RPS requests a second of a realistic mix for BENCH_API_SECONDS
 *   at a constant arrival rate, timing each from its due time; journey B is
 *   published as the load starts. p50/p90/p99/max per route and overall, errors.
 * - the shared write lock meanwhile (journeys_write_lock_*_seconds in
 *   /metrics): how often the engine held it and for how long, and the API's
 *   waits for it and holds, as histogram bounds. An API write waits for at
 *   most one engine hold: this says where a slow write's time went.
 * - engine rate with load: journey B's rate over the same BENCH_API_SECONDS
 *   from its publication, as for A (the engine goes on until the load has
 *   had its last answer); the ratio to A's (target ≥ 0.8).
 * - /v1/batch throughput: BENCH_BATCH_SECONDS (default 10) of
 *   BENCH_BATCH_CONNECTIONS (default 4) connections posting batches of 500
 *   track events (random messageIds, as the SDKs send) back to back, queued
 *   whole (engine/eventInbox.ts), while the engine ticks once a second as the
 *   scheduler does and indexes them; then the same as a burst, the engine
 *   indexing after it. Accepted events/s, and how fast and how late they were
 *   indexed: the target is on events indexed a second, load and tail.
 *
 * BENCH_ONLY=batch runs the /v1/batch phase alone (after two seconds of the
 * same batches as a warm-up): no journeys, no mix, the engine only indexing; it prints its
 * figures and leaves bench/api-results.json as it was. For iterating on
 * ingestion without the minutes the other phases take. BENCH_ONLY=mix stops
 * after the mix under load (API alone, engine rates, the write lock), leaving
 * bench/api-results.json as it was too.
 *
 * The mode (engine on its own thread, or in this process with the API) is
 * what startServer chose; the results say which ran.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir, release, platform } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { openDatabase } from '../server/db/client';
import { startServer } from '../server/app';
import type { EngineTick } from '../server/engine';
import { signIn, testAdmin, testPasswordCost, trpcClient } from '../server/testing/signIn';
import { aGraph } from '../shared/fixtures/builders';
import { seedContacts, seedEvents } from './population';
import { createEventInbox } from '../server/engine/eventInbox';
import { engineStarved, writeLockBuckets, writeLockHold, writeLockWait } from '../server/obs/metrics';
import type { GateRole } from '../server/db/writeGate';

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const HISTORY = Number(process.env.BENCH_EVENTS ?? 0);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 60);
const RPS = Number(process.env.BENCH_API_RPS ?? 500);
const ALONE_SECONDS = Number(process.env.BENCH_API_ALONE_SECONDS ?? 15);
const BATCH_SECONDS = Number(process.env.BENCH_BATCH_SECONDS ?? 10);
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 4);
const BATCH_SIZE = 500;
const ONLY = process.env.BENCH_ONLY ?? '';
const targets = { p99Ms: 25, errors: 0, engineRatio: 0.8, batchEventsPerSec: 100_000 };
const here = dirname(fileURLToPath(import.meta.url));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 2) => Number(n.toFixed(d));
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

interface Latency {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface MixFigures {
  mode: 'mix';
  seconds: number;
  count: number;
  errors: number;
  overall: Latency;
  routes: Record<string, Latency & { share: number; errors: number }>;
  maxInFlight: number;
  lateSends: number;
  /** requests over `slowMs` (the p99 target), by the second of the run they were due in */
  slowMs: number;
  slowBySecond: number[];
  errorSamples: string[];
  /** the load generator's own CPU over the run, in cores: the server shares the machine with it */
  generatorCores: number;
}
interface BatchFigures {
  mode: 'batch';
  seconds: number;
  requests: number;
  /** indexed in the request or queued */
  accepted: number;
  queued: number;
  eventsPerSec: number;
  errors: number;
  requestMs: Latency;
  errorSamples: string[];
  generatorCores: number;
}

const children = new Set<ChildProcess>();
// a failed run does not leave a load generator firing at nothing
process.on('exit', () => children.forEach((ch) => ch.kill()));

/** bench/apiLoad.ts as a child process: `started` when its first request goes out, `result` its JSON line. */
function load<T>(vars: Record<string, string | number>): { started: Promise<void>; result: Promise<T> } {
  const child = fork(join(here, 'apiLoad.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (children.delete(child), resolve(code))));
  const started = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m.type === 'started' && resolve());
    void exited.then((code) => reject(new Error(`bench/apiLoad.ts exited (${String(code)}) before it started`)));
  });
  const result = exited.then((code) => {
    const line = out.trim().split('\n').pop();
    if (code !== 0 || !line) throw new Error(`bench/apiLoad.ts exited with ${String(code)}: ${out}`);
    return JSON.parse(line) as T;
  });
  started.catch(() => {}); // a failure before the start is reported through result too
  return { started, result };
}

/** Where the slow requests of a mix fell: in all, in its first five seconds, and its five worst seconds (second of the run, count). */
function slowSeconds(f: MixFigures): { total: number; firstFive: number; worst: [number, number][] } {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const worst = f.slowBySecond
    .map((n, s): [number, number] => [s, n])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 5);
  return { total: sum(f.slowBySecond), firstFive: sum(f.slowBySecond.slice(0, 5)), worst };
}

function printMix(label: string, f: MixFigures) {
  console.log(`${label}: ${fmt(f.count)} requests in ${f.seconds} s, ${f.errors} errors; p50 ${f.overall.p50} ms, p90 ${f.overall.p90} ms, p99 ${f.overall.p99} ms, max ${f.overall.max} ms`);
  for (const [route, r] of Object.entries(f.routes))
    console.log(
      `  ${route.padEnd(26)} ${String(r.count).padStart(6)}  p50 ${String(r.p50).padStart(7)}  p90 ${String(r.p90).padStart(7)}  p99 ${String(r.p99).padStart(7)}  max ${String(r.max).padStart(7)} ms  errors ${r.errors}`,
    );
  if (f.errorSamples.length) console.log(`  errors, e.g.: ${f.errorSamples.join(' | ')}`);
  const slow = slowSeconds(f);
  console.log(
    `  over ${f.slowMs} ms: ${fmt(slow.total)} requests (${round((100 * slow.total) / Math.max(f.count, 1), 2)}%), ${fmt(slow.firstFive)} of them due in the first 5 s; the worst seconds: ${slow.worst.map(([s, n]) => `${s}: ${n}`).join(', ')}`,
  );
  if (f.lateSends) console.log(`  the load generator sent ${f.lateSends} requests more than 5 ms late (each timed from its due time all the same)`);
  console.log(`  the load generator (a process of its own on this machine) used ${f.generatorCores} of a core`);
}

/**
 * The /v1/batch phase: BATCH_CONNECTIONS connections posting batches back to
 * back for BATCH_SECONDS. `sustained`: the engine ticks once a second
 * meanwhile, as the scheduler does (nothing else is due), indexing what the
 * batches queued, and the two share the machine. `burst`: the engine starts
 * ticking when the load stops, as after a burst shorter than a tick's worth
 * of indexing. Either way the ticks go on until the inbox is empty.
 * Figures: events accepted a second; the inbox's backlog when the load
 * stopped and how long the ticks took to index it; events indexed a second
 * over the whole (load and tail), which is what ingestion keeps up with, the
 * target's figure (accepting faster than the engine indexes fills the inbox,
 * up to QUEUE_MAX_EVENTS); the server's CPU per 1000 events (all its threads,
 * the indexing included).
 */
async function measureBatch(loadVars: Record<string, string | number>, engine: { tick: (now: number) => Promise<EngineTick | null>; backlog: () => number }, mode: 'sustained' | 'burst') {
  const cpuBatch = process.cpuUsage();
  let ticking = true;
  let longestTickMs = 0;
  let indexedWhileLoaded = 0;
  let loaded = true;
  const tickEverySecond = async () => {
    while (ticking) {
      const t = performance.now();
      const r = await engine.tick(Date.now());
      longestTickMs = Math.max(longestTickMs, performance.now() - t);
      if (loaded) indexedWhileLoaded += r?.inbox.indexed ?? 0;
      await sleep(Math.max(0, 1000 - (performance.now() - t)));
    }
  };
  let ticks = mode === 'sustained' ? tickEverySecond() : null;
  const batch = await load<BatchFigures>({ ...loadVars, LOAD_MODE: 'batch', LOAD_SECONDS: BATCH_SECONDS, LOAD_CONNECTIONS: BATCH_CONNECTIONS, LOAD_BATCH: BATCH_SIZE }).result;
  loaded = false;
  const backlogAtEnd = engine.backlog();
  const tailStarted = performance.now();
  ticks ??= tickEverySecond();
  while (engine.backlog() > 0) await sleep(50);
  const tailSeconds = round((performance.now() - tailStarted) / 1000);
  ticking = false;
  await ticks;
  const cpuMsPer1000Events = round((cpuMs(process.cpuUsage(cpuBatch)) / Math.max(batch.accepted, 1)) * 1000);
  const indexedPerSec = Math.round(batch.accepted / (batch.seconds + tailSeconds));
  console.log(
    `/v1/batch, ${mode === 'sustained' ? 'indexed meanwhile' : 'a burst, indexed after'}: ${fmt(batch.accepted)} events accepted in ${batch.seconds} s over ${BATCH_CONNECTIONS} connections = ${fmt(batch.eventsPerSec)}/s (${fmt(batch.queued)} of them queued; ${batch.requests} batches of ${BATCH_SIZE}, p50 ${batch.requestMs.p50} ms, p99 ${batch.requestMs.p99} ms), ${batch.errors} errors`,
  );
  console.log(
    `  indexed by the engine (its ticks, one a second, and between them): ${fmt(indexedWhileLoaded)} during the load, ${fmt(backlogAtEnd)} waiting when it stopped, indexed ${tailSeconds} s later; ${fmt(indexedPerSec)} events/s indexed over the whole; longest tick ${round(longestTickMs)} ms; server CPU ${cpuMsPer1000Events} ms per 1000 events; the load generator ${batch.generatorCores} of a core`,
  );
  if (batch.errorSamples.length) console.log(`  errors, e.g.: ${batch.errorSamples.join(' | ')}`);
  return {
    connections: BATCH_CONNECTIONS,
    batchSize: BATCH_SIZE,
    seconds: batch.seconds,
    accepted: batch.accepted,
    queued: batch.queued,
    eventsPerSec: batch.eventsPerSec,
    errors: batch.errors,
    requestMs: batch.requestMs,
    serverCpuMsPer1000Events: cpuMsPer1000Events,
    generatorCores: batch.generatorCores,
    indexing: { indexedWhileLoaded, backlogAtEnd, tailSeconds, indexedPerSec, longestTickMs: round(longestTickMs) },
  };
}

/** One thread's cumulative counts in a write-lock histogram (server/obs/metrics.ts), in `writeLockBuckets` order, then +Inf (every take), and the seconds they add up to. */
async function lockCounts(h: typeof writeLockHold, thread: GateRole): Promise<{ buckets: number[]; seconds: number }> {
  const values = (await h.get()).values.filter((v) => v.labels.thread === thread);
  return { buckets: values.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => v.value), seconds: values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0 };
}

/** What the phase's figures are read from: the engine's holds and waits, the API's waits and holds, before and after it. */
const lockCountsNow = async () => ({
  engineHold: await lockCounts(writeLockHold, 'engine'),
  engineWait: await lockCounts(writeLockWait, 'engine'),
  apiWait: await lockCounts(writeLockWait, 'api'),
  apiHold: await lockCounts(writeLockHold, 'api'),
});

/**
 * One phase's takes of the write lock, from its counts before and after: how
 * many, the bucket bound (ms) under which half, 90% and 99% of them fell (a
 * histogram gives no finer; null: above the last, 2.5 s, or no take), how many went
 * over 10 and 25 ms, and their total in seconds.
 */
function lockFigures(before: Awaited<ReturnType<typeof lockCounts>>, after: Awaited<ReturnType<typeof lockCounts>>) {
  const cum = after.buckets.map((n, i) => n - (before.buckets[i] ?? 0));
  const count = cum[cum.length - 1] ?? 0;
  const atMost = (q: number) => {
    if (count === 0) return null;
    const le = writeLockBuckets[cum.findIndex((n) => n >= q * count)];
    return le === undefined ? null : round(le * 1000, 1);
  };
  const over = (ms: number) => count - (cum[writeLockBuckets.indexOf(ms / 1000)] ?? count);
  return { count, p50AtMostMs: atMost(0.5), p90AtMostMs: atMost(0.9), p99AtMostMs: atMost(0.99), over10ms: over(10), over25ms: over(25), totalSeconds: round(after.seconds - before.seconds) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-api-'));
  try {
    await bench(dir);
  } finally {
    // a failed run leaves no database behind either (a million contacts is a few hundred MB)
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bench(dir: string) {
  const databasePath = join(dir, 'bench.db');
  const t0 = Date.now();
  // other work on the machine skews every figure here: the results keep the load average seen at the start
  const loadAtStart = loadavg().map((l) => round(l));

  // ── population, before the server opens the file ──
  let t = performance.now();
  const seedDb = openDatabase(databasePath);
  seedContacts(seedDb.$client, N, t0, { cohorts: true });
  seedEvents(seedDb.$client, N, HISTORY, t0);
  seedDb.$client.close();
  console.log(`bench:api: seeded ${fmt(N)} contacts (cohorts a, b, w) and ${fmt(HISTORY)} events of history in ${((performance.now() - t) / 1000).toFixed(1)} s, database ${databasePath}`);

  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databasePath,
    clock: 'real',
    seedDemo: false,
    scheduler: false,
    log: () => {},
    approvals: false,
    admin: testAdmin,
    // the bench measures the engine and the API, not a vendor's rate limit
    services: { accounts: { passwordCost: testPasswordCost }, dispatcher: { rates: { sms: 1e9, push: 1e9, voice: 1e9, email: 1e9, webhook: 1e9, agent_call: 1e9 } } },
    // the load comes from one address but stands for many operators watching dashboards: no per-IP budget on analytics
    expensiveRate: { burst: 1e9, perSecond: 1e9 },
  });
  const engineThread = server.engineThread;
  const mode = engineThread ? 'thread' : 'in-process';
  // ENGINE_PRIORITY (engine/thread/priority.ts), as npm start reads it
  const enginePriority = server.enginePriority?.policy ?? null;
  console.log(`server at ${server.url}, engine ${engineThread ? `on its own thread (${enginePriority ?? 'normal'} CPU priority)` : 'in process, on the API’s event loop'}`);
  const c = server.db.$client;
  const writeKey = server.services.workspace.settings().writeKey;
  const inbox = createEventInbox(server.db);

  if (ONLY === 'batch') {
    const vars = { LOAD_URL: server.url, LOAD_COOKIE: '', LOAD_WRITE_KEY: writeKey, LOAD_CONTACTS: N };
    // the server's code compiled and its statements prepared before the measured run, as the mix phases leave them
    await load<BatchFigures>({ ...vars, LOAD_MODE: 'batch', LOAD_SECONDS: 2, LOAD_CONNECTIONS: 1, LOAD_BATCH: BATCH_SIZE }).result;
    // and what it queued indexed, so the measured run starts from an empty inbox
    while (inbox.backlog().events > 0) await server.services.engine.tick(Date.now());
    const loads = loadavg().map((l) => round(l));
    console.log(`load average ${loads.join(' ')} (1, 5, 15 min)`);
    const engine = { tick: (now: number) => server.services.engine.tick(now), backlog: () => inbox.backlog().events };
    await measureBatch(vars, engine, 'sustained');
    await measureBatch(vars, engine, 'burst');
    await server.close();
    return;
  }
  if (ONLY !== '' && ONLY !== 'mix') throw new Error(`BENCH_ONLY must be "batch", "mix" or unset, got "${ONLY}"`);

  // ── workspace, over HTTP as a script would ──
  const cookie = await signIn(server.url, testAdmin.login, testAdmin.password);
  const api = trpcClient(server.url, cookie, { batch: false });
  // a real clock: quiet hours would hold every SMS at night and the figures would depend on the hour; caps stay on
  const policy = await api.policy.get.query();
  await api.policy.set.mutate({ ...policy, quietHours: [] });
  const journeys: Record<'w' | 'a' | 'b', string> = { w: '', a: '', b: '' };
  for (const cohort of ['w', 'a', 'b'] as const) {
    const segment = `bench_cohort_${cohort}`;
    await api.segments.save.mutate({ key: segment, name: `Bench cohort ${cohort}`, rules: { match: 'all', conditions: [{ type: 'trait', trait: 'cohort', op: 'eq', value: cohort }] } });
    const g = aGraph()
      .node('entry', 'trigger.segment', { segment, schedule: { every: 'once' }, order: 'newest_first' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms', whenCapped: 'wait' })
      .node('push', 'send', { channel: 'push', template: 'idle_push', whenCapped: 'wait' })
      .node('done', 'exit', { reason: 'done' })
      .then('entry', 'sms')
      .then('push', 'done');
    // the warm-up journey goes straight on to the push (a wait is a minute at least), so it ends within seconds
    const graph = (cohort === 'w' ? g.then('sms', 'push') : g.node('wait', 'wait.duration', { amount: 1, unit: 'minutes' }).then('sms', 'wait').then('wait', 'push')).build();
    const { id } = await api.journeys.create.mutate({ name: `bench ${cohort}` });
    const saved = await api.journeys.saveDraft.mutate({ id, graph });
    if (saved.errors.length) throw new Error(`bench journey ${cohort} does not compile: ${JSON.stringify(saved.errors)}`);
    journeys[cohort] = id;
  }

  const loadVars = { LOAD_URL: server.url, LOAD_COOKIE: cookie, LOAD_WRITE_KEY: writeKey, LOAD_CONTACTS: N, LOAD_SLOW_MS: targets.p99Ms };
  // ── warm-up: every route answers (a mistake here would be a minute of errors), and the server's code is compiled ──
  const warm = await load<MixFigures>({ ...loadVars, LOAD_MODE: 'mix', LOAD_SECONDS: 3, LOAD_RPS: 50, LOAD_JOURNEY_ID: journeys.b }).result;
  if (warm.errors) throw new Error(`warm-up: ${warm.errors} errors: ${warm.errorSamples.join(' | ')}`);
  console.log(`warm-up: ${warm.count} requests, p50 ${warm.overall.p50} ms, 0 errors`);

  // ── the API alone, the engine idle: the best the API can do on this machine, whatever runs the engine ──
  // and the server's CPU per request (all its threads, user + system): past 1000 / RPS ms, one event loop cannot keep up
  const cpuAlone = process.cpuUsage();
  const alone = ALONE_SECONDS > 0 ? await load<MixFigures>({ ...loadVars, LOAD_MODE: 'mix', LOAD_SECONDS: ALONE_SECONDS, LOAD_RPS: RPS, LOAD_JOURNEY_ID: journeys.b }).result : null;
  const cpuMsPerRequest = alone ? round(cpuMs(process.cpuUsage(cpuAlone)) / alone.count, 3) : null;
  if (alone && cpuMsPerRequest !== null) printMix(`API alone, ${RPS} requests/s for ${ALONE_SECONDS} s, engine idle; server CPU ${cpuMsPerRequest} ms a request`, alone);

  // ── the engine at full rate ──
  const engineTick = (now: number): Promise<EngineTick | null> => server.services.engine.tick(now);
  const entered = (journeyId: string) => (c.prepare(`select coalesce(sum(count), 0) n from metrics where journey_id = ? and metric = 'entered'`).get(journeyId) as { n: number }).n;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  /** Tick until `done`; the figures are those of the first `measureMs` (all of it when not given). */
  async function drive(journeyId: string, done: () => boolean, measureMs = Number.POSITIVE_INFINITY) {
    const before = entered(journeyId);
    const started = performance.now();
    let busyMs = 0;
    let workTicks = 0;
    let longestTickMs = 0;
    let measured: { transitions: number; busyMs: number; workTicks: number; longestTickMs: number; windowMs: number } | null = null;
    const measure = () => (measured ??= { transitions: entered(journeyId) - before, busyMs, workTicks, longestTickMs, windowMs: performance.now() - started });
    loopDelay.reset();
    loopDelay.enable();
    while (!done()) {
      if (performance.now() - started >= measureMs) measure();
      const t1 = performance.now();
      const r = await engineTick(Date.now());
      const tickMs = performance.now() - t1;
      // requests that arrived meanwhile get their turn, as between two of the scheduler's ticks
      await new Promise((resolve) => setImmediate(resolve));
      const worked = r === null || r.enrolled > 0 || r.runs.batches > 0;
      if (worked) {
        busyMs += performance.now() - t1;
        workTicks++;
        longestTickMs = Math.max(longestTickMs, tickMs);
      } else await sleep(20);
    }
    loopDelay.disable();
    const m = measure();
    return {
      transitions: m.transitions,
      busySeconds: round(m.busyMs / 1000),
      windowSeconds: round(m.windowMs / 1000),
      perSec: Math.round(m.transitions / Math.max(m.busyMs / 1000, 1e-9)),
      workTicks: m.workTicks,
      longestTickMs: round(m.longestTickMs),
      eventLoopDelayMs: { p50: round(loopDelay.percentile(50) / 1e6), p99: round(loopDelay.percentile(99) / 1e6), max: round(loopDelay.max / 1e6) },
    };
  }

  /**
   * A journey's pause, resume or archive, timed: the call, and the longest
   * the API's event loop went without a turn meanwhile (its runs change a
   * slice at a time after the status change; one UPDATE of them all held it
   * 0.8 s).
   */
  async function timedChange(change: () => Promise<unknown>, journeyId: string) {
    const stall = monitorEventLoopDelay({ resolution: 1 });
    stall.enable();
    const t0 = performance.now();
    await change();
    const callMs = performance.now() - t0;
    stall.disable();
    const timers = c.prepare<[string], { live: number; parked: number }>(`select count(wake_at) live, count(held_wake_at) parked from runs where journey_id = ?`).get(journeyId);
    return { callMs: round(callMs), longestStallMs: round(stall.max / 1e6), live: timers?.live ?? 0, parked: timers?.parked ?? 0 };
  }

  // ── warm-up journey W (4% of the contacts, every node): A, measured first, would otherwise pay for the
  // engine's cold start (its code not yet optimised, first statements prepared) and flatter the ratio ──
  const unfinished = c.prepare<[string, string], { n: number }>(
    `select (select count(*) from runs where journey_id = ? and status <> 'exited') + (select count(*) from messages where journey_id = ? and status in ('queued', 'sending')) n`,
  );
  t = performance.now();
  await api.journeys.publish.mutate({ id: journeys.w, enrolNow: true });
  let checkedAt = 0;
  const warmEngine = await drive(journeys.w, () => {
    if (performance.now() - checkedAt < 250) return false;
    checkedAt = performance.now();
    return (entered(journeys.w) > 0 && (unfinished.get(journeys.w, journeys.w)?.n ?? 0) === 0) || performance.now() - t > 120_000;
  });
  await api.journeys.pause.mutate({ id: journeys.w });
  console.log(`engine warm-up (journey W): ${fmt(warmEngine.transitions)} transitions in ${warmEngine.windowSeconds} s`);

  // ── A: no API load ──
  await api.journeys.publish.mutate({ id: journeys.a, enrolNow: true });
  const deadline = performance.now() + SECONDS * 1000;
  const without = await drive(journeys.a, () => performance.now() >= deadline);
  const pauseA = await timedChange(() => api.journeys.pause.mutate({ id: journeys.a }), journeys.a);
  console.log(`journey A, no load: ${fmt(without.transitions)} transitions in ${without.busySeconds} s of engine work = ${fmt(without.perSec)}/s (longest tick ${without.longestTickMs} ms)`);

  // ── B: the same with RPS requests/s ──
  const locksBefore = await lockCountsNow();
  const mix = load<MixFigures>({ ...loadVars, LOAD_MODE: 'mix', LOAD_SECONDS: SECONDS, LOAD_RPS: RPS, LOAD_JOURNEY_ID: journeys.b });
  await mix.started;
  let loadOver = false;
  const loadResult = mix.result.finally(() => (loadOver = true));
  await api.journeys.publish.mutate({ id: journeys.b, enrolNow: true });
  const withLoad = await drive(journeys.b, () => loadOver, SECONDS * 1000);
  const figures = await loadResult;
  const locksAfter = await lockCountsNow();
  // the write lock while the API was under load: an API write waits for at most one of the engine's holds
  const writeLock = {
    engineHold: lockFigures(locksBefore.engineHold, locksAfter.engineHold),
    engineWait: lockFigures(locksBefore.engineWait, locksAfter.engineWait),
    apiWait: lockFigures(locksBefore.apiWait, locksAfter.apiWait),
    apiHold: lockFigures(locksBefore.apiHold, locksAfter.apiHold),
  };
  await api.journeys.pause.mutate({ id: journeys.b });
  const ratio = round(withLoad.perSec / Math.max(without.perSec, 1), 3);
  console.log(
    `journey B, ${RPS} requests/s: ${fmt(withLoad.transitions)} transitions in ${withLoad.busySeconds} s of engine work = ${fmt(withLoad.perSec)}/s (longest tick ${withLoad.longestTickMs} ms); ratio ${ratio}`,
  );
  printMix(`API with the engine at work, ${RPS} requests/s`, figures);
  const at = (ms: number | null) => (ms === null ? '∞' : String(ms));
  const lockLine = (name: string, f: ReturnType<typeof lockFigures>) =>
    `${name} ${fmt(f.count)} times, p50 ≤ ${at(f.p50AtMostMs)} ms, p90 ≤ ${at(f.p90AtMostMs)} ms, p99 ≤ ${at(f.p99AtMostMs)} ms, over 10 ms ${fmt(f.over10ms)}, over 25 ms ${fmt(f.over25ms)}, ${f.totalSeconds} s in all`;
  console.log(`  write lock meanwhile: ${lockLine('the engine held it', writeLock.engineHold)}`);
  // the engine's thread waits on the spot (Atomics.wait) while the API's writers go first: time the runner and dispatcher lose to the API
  console.log(`  ${lockLine('the engine waited for it', writeLock.engineWait)}`);
  console.log(`  ${lockLine('the API waited for it', writeLock.apiWait)}; ${lockLine('held it', writeLock.apiHold)}`);
  // in background, how often the starvation guard raised the engine thread to normal by now (engine/thread/starvation.ts)
  const engineStarvedTimes = (await engineStarved.get()).values[0]?.value ?? 0;
  console.log(`  the engine thread was starved and raised to normal ${engineStarvedTimes} times so far`);
  if (ONLY === 'mix') {
    console.log(`\nAPI p99 ${figures.overall.p99} ms (target ≤${targets.p99Ms}), ${figures.errors} errors, engine ratio ${ratio} (target ≥${targets.engineRatio})`);
    await server.close();
    return;
  }

  // ── /v1/batch throughput, the engine ticking once a second to index what it queues ──
  const indexer = { tick: engineTick, backlog: () => inbox.backlog().events };
  const batch = await measureBatch(loadVars, indexer, 'sustained');
  const burst = await measureBatch(loadVars, indexer, 'burst');

  // ── A's pause (above), resume and archive: the API's event loop while half a million runs change ──
  const resumeA = await timedChange(() => api.journeys.resume.mutate({ id: journeys.a, dueTimers: 'skip' }), journeys.a);
  const archiveA = await timedChange(() => api.journeys.archive.mutate({ id: journeys.a }), journeys.a);
  const changeLine = (name: string, f: typeof pauseA) =>
    `${name}: the call took ${f.callMs} ms; the longest the event loop went without a turn meanwhile: ${f.longestStallMs} ms; timers after it: ${fmt(f.live)} live, ${fmt(f.parked)} parked`;
  console.log(changeLine('pause of journey A', pauseA));
  console.log(changeLine('resume of journey A', resumeA));
  console.log(changeLine('archive of journey A', archiveA));

  const met = {
    p99: figures.overall.p99 <= targets.p99Ms,
    errors: figures.errors <= targets.errors,
    engineRatio: ratio >= targets.engineRatio,
    // what ingestion keeps up: accepted and indexed, over the load and the tail it left (accepting faster than indexing only fills the inbox)
    batchEventsPerSec: batch.indexing.indexedPerSec >= targets.batchEventsPerSec && batch.errors === 0,
  };
  const cpu = cpus();
  const results = {
    at: new Date().toISOString(),
    mode,
    enginePriority,
    engineStarvedTimes,
    node: process.version,
    execArgv: process.execArgv.filter((a) => a.startsWith('--max-')),
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGB: round(totalmem() / 1024 ** 3, 1), os: `${platform()} ${release()}`, loadAverageAtStart: loadAtStart },
    contacts: N,
    historyEvents: HISTORY,
    journey: 'A and B, 48% of the contacts each: segment entry once → SMS → wait 1 minute → push → exit, default caps, no quiet hours, sandbox providers',
    load: { rps: RPS, seconds: SECONDS, model: 'open (constant arrival rate, latency from due time)', mix: Object.fromEntries(Object.entries(figures.routes).map(([r, f]) => [r, f.share])) },
    apiAlone: alone && {
      seconds: ALONE_SECONDS,
      serverCpuMsPerRequest: cpuMsPerRequest,
      count: alone.count,
      errors: alone.errors,
      overallMs: alone.overall,
      routesMs: alone.routes,
      lateSends: alone.lateSends,
      generatorCores: alone.generatorCores,
    },
    api: {
      count: figures.count,
      errors: figures.errors,
      overallMs: figures.overall,
      routesMs: figures.routes,
      maxInFlight: figures.maxInFlight,
      lateSends: figures.lateSends,
      generatorCores: figures.generatorCores,
      // requests over the p99 target by the second of the minute they were due in: in bursts (the first seconds,
      // while journey B enrols and steps its first wave) or spread over the minute
      slowMs: figures.slowMs,
      slowBySecond: figures.slowBySecond,
      errorSamples: figures.errorSamples,
    },
    engine: { withoutLoad: without, withLoad, ratio },
    // the shared write lock during the loaded minute (histogram buckets: "at most" bounds)
    writeLock,
    // journey A paused after its window, resumed ('skip') and archived at the end: the API's event loop while its runs change
    statusChanges: { pauseA, resumeA, archiveA },
    // /v1/batch with the engine indexing meanwhile (the target), and as a burst indexed after it
    ingestBatch: batch,
    ingestBurst: burst,
    targets,
    met,
  };

  console.log(`\nengine mode: ${mode}`);
  console.log('figure                      value        target');
  const row = (name: string, v: string, target: string, ok: boolean | null) =>
    console.log(`${name.padEnd(27)} ${v.padEnd(12)} ${target.padEnd(8)} ${ok === null ? '' : ok ? 'ok' : 'MISSED'}`.trimEnd());
  row('API p99 (ms)', String(figures.overall.p99), `≤${targets.p99Ms}`, met.p99);
  if (alone) row('API p99, engine idle (ms)', String(alone.overall.p99), '', null);
  row('API errors', String(figures.errors), '0', met.errors);
  row('engine rate with/without', String(ratio), `≥${targets.engineRatio}`, met.engineRatio);
  row('/v1/batch events/s indexed', fmt(batch.indexing.indexedPerSec), '≥100k', met.batchEventsPerSec);
  row('  accepted/s meanwhile', fmt(batch.eventsPerSec), '', null);
  row('  accepted/s, a burst', fmt(burst.eventsPerSec), '', null);
  writeFileSync(join(here, 'api-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten to bench/api-results.json');

  await server.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
