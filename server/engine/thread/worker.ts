import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Db } from '../../db/client';
import { attachWriteGate, observeWriteLock } from '../../db/writeGate';
import { createEngine } from '..';
import { createTemplateStore } from '../../templates/store';
import { createWorkspaceService } from '../../services/workspace';
import { buildProviders } from '../../channels/config';
import { createBehaviourProviders } from '../../demo/provider';
import type { EngineThreadConfig, FromThread, LockTake, ProviderCall, ToThread } from './protocol';
import { instrumentProvider } from '../../obs/metrics';
import { adoptOwnership } from '../../outbox/ownership';
import type { Channel } from '../../../shared/journey/channels';
import { lowerThisThread, thisThread } from '../../threadPriority';

/**
 * The engine thread: its own SQLite connection, the runner, segment entry and
 * the dispatcher, ticked by the main thread (`tick(now)`: the clock stays
 * there, so a fake clock drives this thread as it drives the in-process engine).
 * API requests and ingestion stay on the main thread and no longer wait
 * behind a batch.
 */
const config = workerData as EngineThreadConfig;
const port = parentPort;
if (!port) throw new Error('the engine thread runs as a worker');
const send = (m: FromThread) => port.postMessage(m);

const db: Db = openDatabase(config.databasePath);
// the thread engines for the server that owns the database, until told another took it over
const adopted = config.owner ? adoptOwnership(db, config.owner) : null;
// before each of its transactions the engine lets the API thread's announced writes go first
if (config.writeGate) attachWriteGate(db.$client, config.writeGate, 'engine');
// and each of its takes goes to the main thread with the next tick's reply (prom-client's registry lives there)
let lockTakes: LockTake[] = [];
observeWriteLock((_role, waitMs, holdMs) => void lockTakes.push([waitMs, holdMs]));
const workspace = createWorkspaceService(db, { now: Date.now() });
const templates = createTemplateStore(db);
const built = buildProviders(config.providers);
// configured providers are timed here and counted on the main thread, with each tick's report
let providerCalls: ProviderCall[] = [];
const timed = Object.fromEntries(
  Object.entries(built.providers).map(([ch, p]) => [ch, instrumentProvider(ch as Channel, p, (channel, seconds, outcome) => void providerCalls.push([channel, seconds, outcome]))]),
);
const demo = config.demo ? createBehaviourProviders({ seed: config.demo.seed, db: () => db, channels: config.demo.channels }) : {};
let publicUrl = config.publicUrl;
const engine = createEngine({
  db,
  settings: workspace.settings,
  templates,
  publicUrl: () => publicUrl,
  linkSecret: () => workspace.settings().linkSecret,
  providers: { ...demo, ...timed },
  sandbox: { ...config.sandbox, ...built.sandbox },
  dispatcher: config.dispatcher,
});

/**
 * A backlog a tick left in the events inbox is indexed between ticks, a slice
 * of about 50 ms at a time: a tick or another message waits for one slice at
 * most. An API writer waits for one drain step: 2,500 events here, a quarter
 * of a tick's step, so a /v1/batch load keeps being accepted meanwhile.
 * Measured in bench:api's /v1/batch phase (BENCH_ONLY=batch), three
 * alternating pairs against no indexing between ticks:
 * - under a sustained load, events wait far less: 20,000–48,000 were left
 *   waiting when the load stopped, against 239,000–332,000. The rate indexed
 *   over load and tail stayed within the machine's noise (47,000–60,000
 *   events/s against 50,000–60,000). Senders were accepted more slowly
 *   (49,000–62,000 events/s against 64,000–83,000): the engine indexed what
 *   came instead of letting the inbox grow;
 * - a burst is indexed sooner after: 46,000–53,000 events/s over burst and
 *   tail, against 39,000–44,000.
 * With a tick's steps of 10,000 events between ticks, the API waited longer
 * for each, and 39,000–46,000 events/s were indexed under a sustained load (six runs).
 */
const betweenTicks = { budgetMs: 50, chunkRows: 5, sliceEvents: 2_500 };
let indexing = false;
let stopping = false;
const indexBetweenTicks = () => {
  indexing = !stopping && engine.indexBetweenTicks(betweenTicks);
  if (indexing) setImmediate(indexBetweenTicks);
};

port.on('message', (m: ToThread) => {
  switch (m.type) {
    case 'tick':
      // settings (policy, time zone) may have changed on the main thread: one row, read again each tick
      workspace.reload();
      engine.tick(m.now).then(
        (report) => {
          send({ type: 'tick', id: m.id, report, providerCalls, lockTakes });
          providerCalls = [];
          lockTakes = [];
          if (report?.inbox.backlog && !indexing) {
            indexing = true;
            setImmediate(indexBetweenTicks);
          }
        },
        (e: unknown) => send({ type: 'tick', id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
      );
      break;
    case 'invalidate':
      // something was published, paused or edited: rebuild what the engine keeps of journeys and templates
      engine.live.invalidate();
      templates.forgetCurrent();
      break;
    case 'publicUrl':
      publicUrl = m.url;
      break;
    case 'disowned':
      // another server owns the database now: no more ticks, no more claims (background lanes included)
      adopted?.disown();
      break;
    case 'stop':
      stopping = true;
      // background lanes may still have messages out with providers: settle them before the connection goes
      void engine.dispatcher.idle().then(() => {
        db.$client.close();
        send({ type: 'stopped' });
        port.close();
      });
      break;
  }
});
// In the background the API's thread gets the CPU first (priority.ts): lowered once set up (a busy machine would hold the
// set-up back under SCHED_IDLE, and the main thread's starvation guard starts with 'ready'), before any tick. SCHED_IDLE
// or nothing: the guard could not raise a nice-19 fallback
send({ type: 'ready', priority: config.priority === 'background' ? lowerThisThread('idle', { niceIfNotIdle: false }) : thisThread() });
