/**
 * `npm run bench`: the engine at a million contacts, on one process and a
 * real SQLite file. Prints the figures and writes them to bench/results.json.
 *
 * Set-up: 1M contacts, a 5-node journey (segment entry → SMS → wait 1 day →
 * push → exit) with the default contact policy (caps and quiet hours on),
 * sandbox providers. Figures:
 * - enrol: the segment's INSERT…SELECT of 1M runs, newest first, in chunks;
 * - transitions/s: node entries the runner makes per second (claim due →
 *   pure step → one transaction per batch with runs, steps, outbox, ledger,
 *   metrics), over both waves;
 * - raw update rate: plain better-sqlite3 `update runs set … where id = ?` in
 *   transactions of the runner's batch size, on the same file, same run;
 * - empty tick: `engine.tick(now)` with 1M runs waiting and nothing due;
 * - dispatch: outbox messages rendered and handed to the sandbox per second;
 * - peak RSS of this process (the checkpointer thread included).
 * WAL checkpoints run on their own thread, as in the server (server/db/checkpointer.ts).
 * BENCH_CONTACTS overrides the population (default 1,000,000).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../server/db/client';
import { startCheckpointer } from '../server/db/checkpointer';
import { FakeClock } from '../server/clock';
import { createServices } from '../server/services';
import { callerAs } from '../server/trpc/root';
import { loadBlueprints, loadMessageTemplates, loadSegments } from '../server/library/loadLibrary';
import { aGraph } from '../shared/fixtures/builders';
import { runSegmentEntries } from '../server/engine/segmentEntry';
import { DAY, HOUR } from '../shared/util/time';
import { seedContacts } from './population';

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
// runs per runner batch (one transaction each): the engine's default
const BATCH = Number(process.env.BENCH_BATCH ?? 2000);
// Monday 2 Nov 2026, 10:00 Asia/Shanghai: outside quiet hours
const T0 = Date.UTC(2026, 10, 2, 2, 0);
const here = dirname(fileURLToPath(import.meta.url));

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
const rssTimer = setInterval(sampleRss, 50);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  // as the server runs it: WAL checkpoints on a thread of their own
  const checkpointer = startCheckpointer(db, join(dir, 'bench.db'));
  const clock = new FakeClock(T0);
  const services = createServices({
    db,
    clock,
    blueprints: loadBlueprints,
    templates: loadMessageTemplates,
    segments: loadSegments,
    // the bench measures the engine, not a vendor's rate limit
    dispatcher: { rates: { sms: 1e9, push: 1e9, voice: 1e9, email: 1e9, webhook: 1e9, agent_call: 1e9 } },
    // one operator publishing for the bench: no second pair of eyes to wait for
    workspace: { approvals: false },
  });
  // in process, no HTTP: the caller acts as an admin made here (an HTTP script signs in through POST /auth/sign-in)
  const bencher = services.users.get(services.users.create({ login: 'bench', displayName: 'bench', password: 'bench-password', roles: ['admin'] }).id);
  const caller = callerAs(services, clock, bencher);
  const c = db.$client;
  const engine = services.engine;
  console.log(`bench: ${fmt(N)} contacts, database ${join(dir, 'bench.db')}`);

  // ── population: registered evenly over the last 80 days, none logged in; as in a real
  // workspace, contacts were created as they registered, so ids follow registration time ──
  let t = performance.now();
  seedContacts(c, N, T0);
  const seedMs = ms(t);
  console.log(`seeded ${fmt(N)} contacts in ${(seedMs / 1000).toFixed(1)} s`);

  // ── the journey: segment → SMS → wait 1 day → push → exit ──
  const graph = aGraph()
    .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in', schedule: { every: 'once' }, order: 'newest_first' })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms', whenCapped: 'wait' })
    .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
    .node('push', 'send', { channel: 'push', template: 'idle_push', whenCapped: 'wait' })
    .node('done', 'exit', { reason: 'done' })
    .then('entry', 'sms')
    .then('sms', 'wait')
    .then('wait', 'push')
    .then('push', 'done')
    .build();
  const { id: journeyId } = await caller.journeys.create({ name: 'bench' });
  const saved = await caller.journeys.saveDraft({ id: journeyId, graph });
  if (saved.errors.length) throw new Error(`bench journey does not compile: ${JSON.stringify(saved.errors)}`);
  // a segment entry enrols at its schedule's next time unless also enrolled now: the bench moves everyone at once
  await caller.journeys.publish({ id: journeyId, enrolNow: true });
  console.log(`policy: ${JSON.stringify(services.workspace.getPolicy())}`);

  // ── enrol 1M ──
  t = performance.now();
  const tick0 = engineEnrolOnly();
  const enrolMs = ms(t);
  const runsCount = (c.prepare('select count(*) n from runs').get() as { n: number }).n;
  if (runsCount !== N) throw new Error(`enrolled ${runsCount}, expected ${N}`);
  console.log(`enrolled ${fmt(tick0)} in ${(enrolMs / 1000).toFixed(2)} s`);
  sampleRss();

  // ── raw better-sqlite3 per-row update rate, same file, same batch size ──
  const raw = c.prepare('update runs set visit = ?, node_entered_at = ? where id = ?');
  const ids = (c.prepare('select id from runs order by id limit 200000').all() as { id: number }[]).map((r) => r.id);
  const rawTx = c.transaction((batch: number[]) => {
    for (const id of batch) raw.run(1, T0, id);
  });
  t = performance.now();
  for (let i = 0; i < ids.length; i += 2000) rawTx(ids.slice(i, i + 2000));
  const rawPerSec = ids.length / (ms(t) / 1000);
  console.log(`raw per-row update: ${fmt(rawPerSec)} rows/s`);

  // ── wave 1: every run steps entry → sms → wait ──
  const entered = () => (c.prepare(`select coalesce(sum(count), 0) n from metrics where journey_id = ? and metric = 'entered'`).get(journeyId) as { n: number }).n;
  let transitions = 0;
  let runnerMs = 0;
  const runWave = (label: string) => {
    const before = entered();
    const t1 = performance.now();
    let batches = 0;
    for (;;) {
      const r = engine.runner.tick(clock.now(), { batchSize: BATCH, maxBatches: 50 });
      batches += r.batches;
      sampleRss();
      if (!r.backlog) break;
    }
    const took = ms(t1);
    const n = entered() - before;
    transitions += n;
    runnerMs += took;
    console.log(`${label}: ${fmt(n)} transitions in ${(took / 1000).toFixed(2)} s (${batches} batches) = ${fmt(n / (took / 1000))}/s`);
  };
  runWave('wave 1 (entry → sms → wait)');

  // ── dispatch the SMS wave ──
  const drain = async () => {
    const t1 = performance.now();
    let sent = 0;
    for (;;) {
      const d = await engine.dispatcher.dispatch(clock.now());
      sent += d.sent + d.failed + d.dead;
      sampleRss();
      if (!d.throttled && d.sent + d.failed + d.dead + d.retried === 0) break;
    }
    return { sent, ms: ms(t1) };
  };
  const d1 = await drain();
  console.log(`dispatched ${fmt(d1.sent)} SMS in ${(d1.ms / 1000).toFixed(1)} s = ${fmt(d1.sent / (d1.ms / 1000))}/s`);

  // ── empty tick with 1M waiting: first let the sandbox's simulated replies (clicks, logins,
  // due within two hours of a send) arrive, so the ticks measured below have nothing at all to do ──
  clock.advance(3 * HOUR);
  for (let r = await engine.tick(clock.now()); r && (r.responses || r.runs.backlog || r.dispatch.backlog); r = await engine.tick(clock.now())) sampleRss();
  const waiting = (c.prepare(`select count(*) n from runs where status = 'waiting'`).get() as { n: number }).n;
  const tickTimes: number[] = [];
  for (let i = 0; i < 2000; i++) {
    clock.advance(1000);
    const t1 = performance.now();
    const r = await engine.tick(clock.now());
    tickTimes.push(ms(t1));
    if (!r || r.runs.stepped || r.dispatch.sent || r.enrolled || r.responses) throw new Error('an "empty" tick did work');
  }
  const emptyTick = { p50: percentile(tickTimes, 50), p99: percentile(tickTimes, 99), max: Math.max(...tickTimes) };
  console.log(`empty tick with ${fmt(waiting)} waiting: p50 ${emptyTick.p50.toFixed(3)} ms, p99 ${emptyTick.p99.toFixed(3)} ms, max ${emptyTick.max.toFixed(3)} ms`);

  // ── wave 2: a day later, wait → push → exit ──
  clock.advance(DAY);
  runWave('wave 2 (wait → push → exit)');
  const d2 = await drain();
  console.log(`dispatched ${fmt(d2.sent)} pushes in ${(d2.ms / 1000).toFixed(1)} s`);

  // ── analytics at scale: the outbox now holds the waves' messages; add 5M events to the event log ──
  const messagesNow = (c.prepare('select count(*) n from messages').get() as { n: number }).n;
  t = performance.now();
  const EVENTS = Number(process.env.BENCH_EVENTS ?? 5 * N);
  const evNames = `json_array('app_login','page','message_clicked','credit_application_started','credit_step_completed','loan_drawn','screen','app_open')`;
  for (let from = 0; from < EVENTS; from += 500_000)
    c.exec(`with recursive n(i) as (select ${from} union all select i + 1 from n where i < ${Math.min(EVENTS, from + 500_000) - 1})
      insert into events (contact_id, name, type, properties, at, received_at)
      select 1 + (i * 7919) % ${N}, ${evNames} ->> (i % 8), 'track', '{}', ${T0} - (i % 2592000) * 1000, ${T0} from n`);
  const eventsNow = (c.prepare('select count(*) n from events').get() as { n: number }).n;
  console.log(`added ${fmt(eventsNow)} events in ${(ms(t) / 1000).toFixed(1)} s; outbox holds ${fmt(messagesNow)} messages`);
  const timeCalls = async (label: string, call: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t1 = performance.now();
      await call();
      xs.push(ms(t1));
    }
    const r = { p50: Number(percentile(xs, 50).toFixed(2)), p95: Number(percentile(xs, 95).toFixed(2)), max: Number(Math.max(...xs).toFixed(2)) };
    console.log(`${label}: p50 ${r.p50} ms, p95 ${r.p95} ms, max ${r.max} ms`);
    return r;
  };
  const overlayMs = await timeCalls('analytics.journeyOverlay', () => caller.analytics.journeyOverlay({ journeyId }));
  const funnelMs = await timeCalls('analytics.nodeFunnel (sms)', () => caller.analytics.nodeFunnel({ journeyId, nodeId: 'sms' }));
  const summaryMs = await timeCalls('analytics.journeySummary', () => caller.analytics.journeySummary({ journeyId }));

  const transitionsPerSec = transitions / (runnerMs / 1000);
  sampleRss();
  clearInterval(rssTimer);
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    // node's flags: npm run bench runs the engine as npm start runs the server (a 32 MiB young generation)
    execArgv: process.execArgv.filter((a) => a.startsWith('--max-')),
    contacts: N,
    journey: 'segment → SMS → wait 1 day → push → exit, default caps and quiet hours, sandbox providers',
    transitionsPerSec: Math.round(transitionsPerSec),
    transitions,
    rawUpdatesPerSec: Math.round(rawPerSec),
    ratioToRaw: Number((transitionsPerSec / rawPerSec).toFixed(3)),
    enrolSeconds: Number((enrolMs / 1000).toFixed(3)),
    emptyTickMs: { p50: Number(emptyTick.p50.toFixed(3)), p99: Number(emptyTick.p99.toFixed(3)), max: Number(emptyTick.max.toFixed(3)), waiting },
    dispatchPerSec: Math.round((d1.sent + d2.sent) / ((d1.ms + d2.ms) / 1000)),
    peakRssMB: Math.round(peakRss / 1024 / 1024),
    analytics: { messages: messagesNow, events: eventsNow, journeyOverlayMs: overlayMs, nodeFunnelMs: funnelMs, journeySummaryMs: summaryMs },
    targets: { transitionsPerSec: 100_000, ratioToRaw: 0.5, enrolSeconds: 3, emptyTickP99Ms: 2, peakRssMB: 400, analyticsMs: 200 },
  };
  console.log('\nfigure                      value        target');
  const row = (name: string, v: string, target: string, ok: boolean) => console.log(`${name.padEnd(27)} ${v.padEnd(12)} ${target.padEnd(8)} ${ok ? 'ok' : 'MISSED'}`);
  row('transitions/s', fmt(results.transitionsPerSec), '≥100k', results.transitionsPerSec >= 100_000);
  row('ratio to raw update rate', String(results.ratioToRaw), '≥0.5', results.ratioToRaw >= 0.5);
  row('enrol 1M (s)', String(results.enrolSeconds), '≤3', results.enrolSeconds <= 3);
  row('empty-tick p99 (ms)', String(results.emptyTickMs.p99), '≤2', results.emptyTickMs.p99 <= 2);
  row('peak RSS (MB)', String(results.peakRssMB), '≤400', results.peakRssMB <= 400);
  row('journeyOverlay max (ms)', String(overlayMs.max), '≤200', overlayMs.max <= 200);
  row('nodeFunnel max (ms)', String(funnelMs.max), '≤200', funnelMs.max <= 200);
  mkdirSync(here, { recursive: true });
  writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to bench/results.json`);
  console.log(`WAL at the end: ${(statSync(join(dir, 'bench.db-wal')).size / 1024 / 1024).toFixed(1)} MiB`);
  await checkpointer.stop();
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });

  /** Segment entry alone (what the scheduler's first tick after publish does), timed apart from the runner. */
  function engineEnrolOnly(): number {
    return runSegmentEntries(db, engine.live.live(), clock.now(), services.workspace.settings().timezone).reduce((n, e) => n + e.enrolled, 0);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
