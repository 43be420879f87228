import type { Db } from '../db/client';
import { openDatabase } from '../db/client';
import type { RunningServer, ServerOptions } from '../app';
import { buildProviders, providersFromEnv } from '../channels/config';
import { channels } from '../../shared/journey/channels';
import { startScheduler, type Scheduler } from '../scheduler';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import { CatchUpClock } from './catchUpClock';
import { createBehaviourProviders } from './provider';
import { populationStories, type ContactStory, type PopulationOptions } from './population';
import { writeHistory } from './history';
import { createFeeder, futureOf, type Feeder } from './feed';
import { replay, type ReplayReport } from './replay';

export interface DemoOptions {
  /** contacts registered over the year before the demo started (DEMO_CONTACTS, default 20,000) */
  contacts: number;
  /** DEMO_SEED, default 7 */
  seed: number;
  /** days replayed through the engine on first start (DEMO_REPLAY_DAYS, default 30) */
  replayDays: number;
  /** days of the population's life generated ahead of the wall clock (regenerated as they run out) */
  horizonDays: number;
  /** wall-clock budget of a replay; steps widen to keep to it */
  budgetMs: number;
  log: (m: string) => void;
  /** the wall clock the demo catches up with (tests pin it; default Date.now) */
  wall?: () => number;
}

export function demoOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, log: (m: string) => void = console.log): DemoOptions {
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  return { contacts: int('DEMO_CONTACTS', 20_000, 1, 2_000_000), seed: int('DEMO_SEED', 7, 0, 2 ** 31), replayDays: int('DEMO_REPLAY_DAYS', 30, 1, 90), horizonDays: 14, budgetMs: 45_000, log };
}

export interface RunningDemo {
  /** resolves when the replay has caught up with the wall clock or was stopped (null: it failed, and was given up) */
  ready: Promise<ReplayReport | null>;
  stop: () => Promise<void>;
}

export interface PreparedDemo {
  /** what `startServer` needs for the demo: its clock, no scheduler while replaying, the behaviour model as providers */
  serverOptions: Pick<ServerOptions, 'clock' | 'scheduler' | 'services' | 'engineThread'>;
  start: (server: RunningServer) => RunningDemo;
}

/** Replay steps, and the grid the demo's "now" is aligned to, so a restart finds it again. */
const STEP = 10 * MINUTE;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Where the demo stands in a database: `new` (empty: seed it), `resume` (the
 * demo seeded it before: carry on from the last thing it saw), or null (not a
 * demo database). The population's parameters are kept in the database as a
 * `demo:population:{…}` row of the ingestion dedupe table, so a restart
 * regenerates the same people whatever the environment says.
 */
interface Plan {
  kind: 'new' | 'resume';
  population: { contacts: number; seed: number; anchor: number };
  /** where the clock starts */
  start: number;
  /** organic calls up to here were fed */
  fedThrough: number;
}

const markerPrefix = 'demo:population:';

function planFor(db: Db, o: DemoOptions, now: number): Plan | null {
  const c = db.$client;
  const one = (sql: string) => c.prepare<[], { v: number | string | null }>(sql).get()?.v ?? null;
  const num = (sql: string) => Number(one(sql) ?? 0);
  if (num('select count(*) v from contacts') + num('select count(*) v from journeys') === 0) {
    const anchor = Math.floor(now / STEP) * STEP;
    const start = anchor - o.replayDays * DAY;
    return { kind: 'new', population: { contacts: o.contacts, seed: o.seed, anchor }, start, fedThrough: start };
  }
  const marker = one(`select message_id v from ingested where message_id like '${markerPrefix}%' limit 1`);
  if (typeof marker !== 'string') return null;
  const population = JSON.parse(marker.slice(markerPrefix.length)) as Plan['population'];
  const fedThrough = num(`select max(received_at) v from ingested where message_id like 'demo:u%'`) || population.anchor;
  // the last moment the workspace saw anything: its clock must not start before it
  const lastSeen = Math.max(
    fedThrough,
    num('select max(received_at) v from events'),
    num('select max(updated_at) v from messages'),
    num('select max(last_run_at) v from enrolments'),
    num('select max(node_entered_at) v from runs'),
  );
  return { kind: 'resume', population, start: Math.min(lastSeen, now), fedThrough };
}

/**
 * Decide, before the server opens the database, what the demo does:
 * - an empty database gets the living demo: the server starts on a clock
 *   `replayDays` in the past; `start` writes the population's history up to
 *   there, publishes the blueprints and replays the days since through the
 *   engine, the population's organic events arriving through ingestion,
 *   then hands over to the cron scheduler on the wall clock;
 * - a database the demo seeded before resumes: the days it was stopped are
 *   replayed the same way (seconds for a few days), then it lives on;
 * - any other database: null, the server as it always was.
 * Channels CHANNEL_PROVIDERS configures keep their configured provider. A
 * resumed demo regenerates the same population from the parameters stored
 * with it: DEMO_* settings matter on the first start only.
 */
export function prepareDemo(databasePath: string, o: DemoOptions, env: NodeJS.ProcessEnv = process.env): PreparedDemo | null {
  if (env.CLOCK === 'fake') {
    // a clock that moves only when told cannot catch up with the wall clock
    o.log('demo: CLOCK=fake, so no living demo (population, replay); the blueprints are seeded as drafts.');
    return null;
  }
  const probe = openDatabase(databasePath);
  let plan: Plan | null;
  try {
    plan = planFor(probe, o, (o.wall ?? Date.now)());
  } finally {
    probe.$client.close();
  }
  if (!plan) return null;
  const p = plan;

  const configured = providersFromEnv(env.CHANNEL_PROVIDERS);
  const built = buildProviders(configured);
  let db: Db | null = null;
  const demoProviders = createBehaviourProviders({ seed: p.population.seed, db: () => db, channels: channels.filter((ch) => !configured[ch]) });
  const clock = new CatchUpClock(p.start, o.wall);
  return {
    serverOptions: {
      clock,
      scheduler: false,
      services: { providers: { ...demoProviders, ...built.providers }, sandbox: built.sandbox },
      // the engine thread builds the same behaviour model on its own connection (sends record where the dispatcher leases)
      engineThread: { demo: { seed: p.population.seed, channels: channels.filter((ch) => !configured[ch]) } },
    },
    start(server) {
      db = server.db;
      let stopped = false;
      let scheduler: Scheduler | null = null;
      let realtime: NodeJS.Timeout | null = null;
      const ready = (async (): Promise<ReplayReport | null> => {
        let feed: Feeder | null = null;
        let report: ReplayReport | null = null;
        let generatedUntil = 0;
        try {
          ({ feed, until: generatedUntil } = await prepareFeed(server, o, p, clock.now()));
          report = await replay({
            db: server.db,
            services: server.services,
            clock,
            feed,
            stepMs: STEP,
            budgetMs: o.budgetMs,
            stopped: () => stopped,
            onDay: (r, now) =>
              o.log(
                `demo: replayed to ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')} UTC · ${(r.wallMs / 1000).toFixed(1)} s · ${fmt(r.ingested)} organic calls · ${fmt(r.enrolled)} enrolled · ${fmt(r.sent)} sent · ${fmt(r.responses)} replies`,
              ),
          });
          if (stopped) return report;
          o.log(
            `demo: caught up with the wall clock: ${((report.to - report.from) / DAY).toFixed(1)} days replayed in ${(report.wallMs / 1000).toFixed(1)} s (${fmt(report.ticks)} ticks, ${fmt(report.sent)} messages, ${fmt(report.responses)} replies); now on the wall clock`,
          );
        } catch (e) {
          // the product must not stay on a simulated clock: give up the replay, not the server
          o.log(`demo: the replay failed, going on from the wall clock: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          clock.moveTo(Number.MAX_SAFE_INTEGER);
          if (stopped) return report;
        }
        scheduler = startScheduler(server.services.engine, clock);
        if (!feed) return report;
        // the population goes on living: its next days arrive as the wall clock reaches them,
        // and when the generated days run low, the next ones are generated
        let refilling = false;
        realtime = setInterval(() => {
          const current = feed;
          if (!current || stopped) return;
          try {
            current.feedUntil(clock.now());
          } catch (e) {
            o.log(`demo: organic calls could not be fed: ${e instanceof Error ? e.message : String(e)}`);
          }
          if (refilling || generatedUntil > clock.now() + (o.horizonDays * DAY) / 2) return;
          refilling = true;
          void generateFeed(server, o, p, clock.now(), current.fedThrough())
            .then((next) => ({ feed, until: generatedUntil } = next))
            .catch((e: unknown) => o.log(`demo: could not extend the population's days: ${e instanceof Error ? e.message : String(e)}`))
            .finally(() => (refilling = false));
        }, 1000);
        realtime.unref();
        return report;
      })();
      return {
        ready,
        async stop() {
          stopped = true;
          await ready.catch(() => null);
          if (realtime) clearInterval(realtime);
          await scheduler?.stop();
        },
      };
    },
  };
}

/** The population, generated in slices so the server answers requests meanwhile. */
async function generate(options: PopulationOptions): Promise<ContactStory[]> {
  const stories: ContactStory[] = [];
  for (const s of populationStories(options)) if (stories.push(s) % 2000 === 0) await yieldToRequests();
  return stories;
}

/** The population's calls after `fedThrough`, generated to `horizonDays` past `now`. */
async function generateFeed(server: RunningServer, o: DemoOptions, p: Plan, now: number, fedThrough: number, stories?: ContactStory[]): Promise<{ feed: Feeder; until: number }> {
  const until = Math.max(p.population.anchor, now) + o.horizonDays * DAY;
  const options = { ...p.population, until };
  const pop = { options: { spanDays: 365, ...options }, stories: stories ?? (await generate(options)) };
  const feed = createFeeder(server.db, server.services.ingest, futureOf(pop, fedThrough), {
    from: fedThrough,
    onError: (e, calls) => o.log(`demo: ${calls.length} organic call(s) refused: ${e instanceof Error ? e.message : String(e)}`),
  });
  return { feed, until };
}

/** New: the population's past up to the replay's start and the blueprints published then. Either way: the feed from where it stopped. */
async function prepareFeed(server: RunningServer, o: DemoOptions, p: Plan, now: number): Promise<{ feed: Feeder; until: number }> {
  if (p.kind === 'resume') {
    const gap = Math.max(0, (o.wall ?? Date.now)() - p.start);
    const since = gap < HOUR ? `${Math.round(gap / MINUTE)} minutes` : gap < DAY ? `${(gap / HOUR).toFixed(1)} hours` : `${(gap / DAY).toFixed(1)} days`;
    o.log(`demo: resuming the demo population (seed ${p.population.seed}, ${fmt(p.population.contacts)} contacts); replaying the ${since} since it last ran`);
    return generateFeed(server, o, p, now, p.fedThrough);
  }
  server.db.$client.prepare('insert into ingested (message_id, received_at) values (?, ?) on conflict do nothing').run(`${markerPrefix}${JSON.stringify(p.population)}`, now);
  const t0 = performance.now();
  const stories = await generate({ ...p.population, until: p.population.anchor + o.horizonDays * DAY });
  const genMs = performance.now() - t0;
  const history = await writeHistory(server.db, stories, p.start);
  o.log(
    `demo: ${fmt(history.contacts)} contacts and ${fmt(history.events)} events up to ${o.replayDays} days ago (generated in ${(genMs / 1000).toFixed(1)} s, written in ${(history.ms / 1000).toFixed(1)} s)`,
  );
  const { journeys } = server.services;
  let published = 0;
  for (const j of journeys.list()) {
    if (j.status !== 'draft' || j.blueprint === null) continue;
    // the replay starts 30 days back: the demo's segments enrol at once, as an operator ticking "also enrol now" would
    journeys.publish(j.id, 'demo', { enrolNow: true });
    published++;
  }
  const next = await generateFeed(server, o, p, now, p.fedThrough, stories);
  o.log(`demo: published ${published} blueprint journeys; replaying ${o.replayDays} days (${fmt(next.feed.countUntil(p.population.anchor))} organic calls) through the engine…`);
  return next;
}
