/**
 * `npm run bench` (third part): a backtest of the recall blueprint over the
 * last 14 days of a 1M-contact, 5M-event database, on its own thread as the
 * server runs it, while the live engine ticks on this thread. Prints the
 * figures and writes them to bench/backtest-results.json.
 *
 * Set-up: 1M contacts registered over the last 80 days (bench/population.ts);
 * 5M events over the last 30 days, eight names spread pseudo-randomly over the
 * contacts (an eighth are `app_login`: about half the contacts never logged
 * in, the recall segment); the recall blueprint (registered_never_logged_in:
 * holdout, SMS, 3 days for a login, robo-call) as a draft, default caps and
 * quiet hours. Beside it a live journey (event → SMS → exit) fed 200 events a
 * second, ticked every 100 ms: its tick times before and during the backtest.
 * Figures: the backtest's time (copy and replay; and the process's CPU time
 * meanwhile, all threads), how many threads shared the contacts (one per
 * core on a large backtest), contacts and events copied,
 * its per-channel sends, and the live tick's p50/p99/max.
 * BENCH_CONTACTS overrides the population (default 1,000,000; events are 5 per contact).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../server/db/client';
import { startCheckpointer } from '../server/db/checkpointer';
import { FakeClock } from '../server/clock';
import { createServices } from '../server/services';
import { callerAs } from '../server/trpc/root';
import { loadBlueprints, loadMessageTemplates, loadSegments } from '../server/library/loadLibrary';
import { sendOnEventGraph } from '../shared/fixtures/builders';
import { startBacktestThread } from '../server/backtest/thread/client';
import { DAY } from '../shared/util/time';
import { seedContacts } from './population';

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const EVENTS = 5 * N;
// Monday 2 Nov 2026, 10:00 Asia/Shanghai
const T0 = Date.UTC(2026, 10, 2, 2, 0);
const WINDOW_DAYS = 14;
const TICK_MS = 100;
const LIVE_EVENTS_PER_TICK = 20;
const here = dirname(fileURLToPath(import.meta.url));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percentile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const stats = (xs: readonly number[]) => ({ ticks: xs.length, p50: Number(percentile(xs, 50).toFixed(2)), p99: Number(percentile(xs, 99).toFixed(2)), max: Number(Math.max(0, ...xs).toFixed(2)) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-backtest-'));
  const path = join(dir, 'bench.db');
  const db = openDatabase(path);
  const checkpointer = startCheckpointer(db, path);
  const clock = new FakeClock(T0);
  const services = createServices({
    db,
    clock,
    blueprints: loadBlueprints,
    templates: loadMessageTemplates,
    segments: loadSegments,
    dispatcher: { rates: { sms: 1e9, push: 1e9, voice: 1e9, email: 1e9, webhook: 1e9, agent_call: 1e9 } },
    workspace: { approvals: false, rngSeed: 1 },
  });
  const c = db.$client;
  const caller = callerAs(services, clock, services.users.get(services.users.create({ login: 'bench', displayName: 'bench', password: 'bench-password', roles: ['admin'] }).id));
  console.log(`bench:backtest: ${fmt(N)} contacts, ${fmt(EVENTS)} events, database ${path}`);

  let t = performance.now();
  seedContacts(c, N, T0);
  // eight names, contact and name and time each from their own multiplier, so every contact gets a mix
  const names = `json_array('app_login','page','message_clicked','credit_application_started','credit_step_completed','loan_drawn','screen','app_open')`;
  for (let from = 0; from < EVENTS; from += 500_000)
    c.exec(`with recursive n(i) as (select ${from} union all select i + 1 from n where i < ${Math.min(EVENTS, from + 500_000) - 1})
      insert into events (contact_id, name, type, properties, at, received_at)
      select 1 + (i * 7919) % ${N}, ${names} ->> (((i * 2654435761) % 4294967296) / 536870912), 'track', '{}',
             ${T0} - ((i * 104729) % 2592000) * 1000 - 1000, ${T0} from n`);
  c.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // the draft: the recall blueprint, never published
  const { id: draftId } = await caller.journeys.create({ name: 'Recall (draft)', blueprint: 'registered_never_logged_in' });
  // the live load: an event journey, ticked while the backtest runs
  const liveId = (await caller.journeys.create({ name: 'live load' })).id;
  await caller.journeys.saveDraft({ id: liveId, graph: sendOnEventGraph() });
  await caller.journeys.publish({ id: liveId });

  let feed = 0;
  const liveTick = async (): Promise<number> => {
    services.ingest.ingest(Array.from({ length: LIVE_EVENTS_PER_TICK }, () => ({ type: 'track' as const, userId: `u${(feed++ * 104_729) % N}`, event: 'credit_rejected' })));
    clock.advance(TICK_MS);
    const t1 = performance.now();
    await services.engine.tick(clock.now());
    return performance.now() - t1;
  };
  const baseline: number[] = [];
  for (let i = 0; i < 100; i++) {
    baseline.push(await liveTick());
    await sleep(TICK_MS);
  }
  console.log(`live tick alone: ${JSON.stringify(stats(baseline))} ms`);

  const draft = (await caller.journeys.get({ id: draftId })).draft;
  const workDir = mkdtempSync(join(tmpdir(), 'journeys-bench-copies-'));
  const progress: [number, string, number][] = [];
  t = performance.now();
  // CPU of the whole process (the backtest's thread and the live ticks on this one): on a shared machine, the
  // wall time stretches with everyone else's load, the CPU time much less
  const cpu0 = process.cpuUsage();
  const job = startBacktestThread({ sourcePath: path, workDir, journeyId: draftId, name: 'Recall (draft)', draft, live: null, from: T0 - WINDOW_DAYS * DAY, to: T0 }, (p, phase) =>
    progress.push([p, phase, performance.now() - t]),
  );
  let finished = false;
  void job.outcome.then(() => (finished = true));
  const during: number[] = [];
  while (!finished) {
    during.push(await liveTick());
    await sleep(TICK_MS);
  }
  const outcome = await job.outcome;
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rmSync(workDir, { recursive: true, force: true });
  if (outcome.status !== 'done') throw new Error(`the backtest ended ${outcome.status}${outcome.status === 'failed' ? `: ${outcome.error}` : ''}`);
  const r = outcome.result;
  const replayStart = progress.find(([, phase]) => phase.startsWith('replaying'))?.[2] ?? 0;
  console.log(
    `backtest: ${seconds.toFixed(1)} s on ${r.threads} thread(s), CPU ${cpuSeconds.toFixed(1)} s with the live ticks (copy ${r.seconds.copy.toFixed(1)} s, replay ${r.draft.seconds.toFixed(1)} s, ${r.draft.ticks} ticks); first replay progress after ${(replayStart / 1000).toFixed(1)} s`,
  );
  console.log(
    `copied ${fmt(r.contacts)} contacts, replayed ${fmt(r.events)} events; entered ${fmt(r.draft.entered)}; ${r.draft.byChannel.map((x) => `${x.channel} sent ${fmt(x.sent)}, withheld ${fmt(x.withheld)}`).join('; ')}`,
  );
  console.log(`live tick during the backtest: ${JSON.stringify(stats(during))} ms`);

  const results = {
    at: new Date().toISOString(),
    node: process.version,
    execArgv: process.execArgv.filter((a) => a.startsWith('--max-')),
    // the 1-minute load average when the backtest ended: on a shared machine, the figures are only as quiet as this
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
    contacts: N,
    events: EVENTS,
    windowDays: WINDOW_DAYS,
    journey: 'recall blueprint (registered_never_logged_in) as a draft; live load: event → SMS → exit at 200 events/s, ticked every 100 ms',
    backtest: {
      seconds: Number(seconds.toFixed(2)),
      processCpuSeconds: Number(cpuSeconds.toFixed(2)),
      // the contacts split between this many threads, each replaying its share side by side
      threads: r.threads,
      copySeconds: Number(r.seconds.copy.toFixed(2)),
      replaySeconds: Number(r.draft.seconds.toFixed(2)),
      ticks: r.draft.ticks,
      contactsCopied: r.contacts,
      eventsReplayed: r.events,
      entered: r.draft.entered,
      byChannel: r.draft.byChannel,
      goals: r.draft.goals,
    },
    liveTickMs: { alone: stats(baseline), duringBacktest: stats(during) },
    targets: { backtestSeconds: 30, liveTickP99Ms: 50 },
  };
  console.log('\nfigure                      value        target');
  const row = (name: string, v: string, target: string, ok: boolean) => console.log(`${name.padEnd(27)} ${v.padEnd(12)} ${target.padEnd(8)} ${ok ? 'ok' : 'MISSED'}`);
  row('backtest (s)', results.backtest.seconds.toFixed(1), '≤30', results.backtest.seconds <= 30);
  row('live tick p99 during (ms)', String(results.liveTickMs.duringBacktest.p99), '≤50', results.liveTickMs.duringBacktest.p99 <= 50);
  mkdirSync(here, { recursive: true });
  writeFileSync(join(here, 'backtest-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten to bench/backtest-results.json');
  await checkpointer.stop();
  await services.backtests.settle({ terminate: true });
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
