import express from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from './db/client';
import { startCheckpointer } from './db/checkpointer';
import { acquireEngineOwnership } from './outbox/ownership';
import { clockFromEnv, type Clock } from './clock';
import { createServices, type Services } from './services';
import { appRouter, productionRouter } from './trpc/root';
import { trpcMiddleware } from './trpc/express';
import { ingestRoutes } from './ingest/routes';
import { buildProviders, providersFromEnv, type ProvidersConfig } from './channels/config';
import { startScheduler, type Scheduler } from './scheduler';
import { clientDist } from './build';
import { loadBlueprints, loadMessageTemplates, loadSegments } from './library/loadLibrary';
import type { ServiceDeps } from './services';
import { authRoutes, clientIp, csrfGuard, sessionToken } from './auth/http';
import { exportRoutes } from './export/routes';
import { agentTaskRoutes } from './agentTasks/routes';
import type { Context } from './trpc/init';
import { roles } from '../shared/auth/roles';
import { generatePassword } from './auth/passwords';
import { log as processLog, type Logger } from './obs/log';
import { instrumentProvider, recordWriteLock, serverMetrics } from './obs/metrics';
import { assignRequestId, requestIdOf } from './http/requestId';
import { observeRequests } from './http/observe';
import { healthRoutes } from './http/health';
import { apiNotFound, concealInternal, errorHandler, finalNotFound } from './http/errors';
import { maxBatchCalls, trpcGuard } from './http/trpcGuard';
import type { TokenBucketRule } from './http/rateLimit';
import { linkTargetProblem } from '../shared/templates/linkTargets';
import type { Channel } from '../shared/journey/channels';
import { startEngineThread } from './engine/thread/client';
import { effectiveEnginePriority, enginePriorityFrom, type EnginePriority } from './engine/thread/priority';
import { guardAgainstStarvation, type StarvationGuard } from './engine/thread/starvation';
import { whyIdleIsIrreversible, type ThreadPriority } from './threadPriority';
import { attachWriteGate, createWriteGate, observeWriteLock } from './db/writeGate';

export interface ServerOptions {
  port: number;
  /** interface to listen on (default: all, as `npm start` should; tests and benches pass 127.0.0.1) */
  host?: string;
  databasePath: string;
  clock?: Clock | 'real' | 'fake';
  /** seed the demo workspace into an empty database (default true) */
  seedDemo?: boolean;
  log?: (m: string) => void;
  /** tick the engine on node-cron (default: on with a real clock, off with a fake one, which `dev.advanceClock` drives) */
  scheduler?: boolean;
  /** providers, dispatcher options and workspace defaults, e.g. for tests */
  services?: Pick<ServiceDeps, 'providers' | 'sandbox' | 'dispatcher' | 'workspace' | 'accounts'>;
  /** the first admin on an empty database (default ADMIN_LOGIN / ADMIN_PASSWORD; else `admin` with a generated password, logged once) */
  admin?: { login?: string; password?: string };
  /** four-eyes approval for a new workspace (default APPROVALS: on unless "off") */
  approvals?: boolean;
  /** also create one user per role (the living demo), with generated passwords, logged once */
  demoUsers?: boolean;
  /** channel → provider (default: CHANNEL_PROVIDERS from the environment; sandbox for the rest) */
  channels?: ProvidersConfig;
  /** structured logs (default: the process logger, server/obs/log.ts); `log` above takes the start-up lines */
  logger?: Logger;
  /** errors without internals (default: NODE_ENV is production, as under `npm start`) */
  production?: boolean;
  /** /readyz fails when the engine has not finished a tick for this long (default READY_MAX_TICK_LAG_MS, else 60 s) */
  maxTickLagMs?: number;
  /** per-IP budget of previews and analytics calls (default: a burst of 20, then 2 a second) */
  expensiveRate?: TokenBucketRule;
  /** INBOUND_SMS_SECRET: when set, /v1/inbound/sms needs the vendor's X-Signature (HMAC-SHA256 of the body) */
  inboundSmsSecret?: string;
  /**
   * Run the engine (segment entry, runner, dispatcher) on a worker thread with its own connection, so API
   * latency does not depend on batch size. Default: on for a database file whose providers come from config
   * (CHANNEL_PROVIDERS / `channels`); provider objects (`services.providers`, tests' fakes) cannot cross to a
   * thread, so those run in-process. The living demo passes its behaviour model's seed for the thread to rebuild.
   */
  engineThread?: boolean | { demo: { seed: number; channels: Channel[] } };
  /**
   * The engine thread's share of the CPU against the API's (engine/thread/priority.ts): `background`
   * (requests preempt it: SCHED_IDLE on Linux, raised to normal for a while when other work starves it;
   * normal where it could not be raised again), or `normal`. Default ENGINE_PRIORITY, else background.
   */
  enginePriority?: EnginePriority;
}

export interface RunningServer {
  /** true when the engine ticks on its own thread */
  engineThread: boolean;
  /** what that thread runs under (null: no thread) */
  enginePriority: ThreadPriority | null;
  url: string;
  db: Db;
  services: Services;
  clock: Clock;
  close: () => Promise<void>;
}

function resolveClock(c: ServerOptions['clock']): Clock {
  if (c === undefined || typeof c === 'string') return clockFromEnv(c ? { CLOCK: c } : process.env);
  return c;
}

/** The whole product on one port: tRPC at /trpc, the built client at /. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const logger = opts.logger ?? processLog;
  const log = opts.log ?? ((m: string) => logger.info(m));
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  // background (the default) only where the guard can raise a starved engine thread again (engine/thread/priority.ts)
  const { priority: enginePriority, fallback: priorityFallback } = effectiveEnginePriority(opts.enginePriority ?? enginePriorityFrom(process.env), whyIdleIsIrreversible);
  const clock = resolveClock(opts.clock);
  const db = openDatabase(opts.databasePath);
  // one engine per database file: a second server refuses here, naming the owner's pid and host (server/outbox/ownership.ts)
  const ownership = acquireEngineOwnership(db);
  // WAL checkpoints on a thread of their own, off the engine's
  const checkpointer = opts.databasePath === ':memory:' ? null : startCheckpointer(db, opts.databasePath, { logger });
  const blueprints = loadBlueprints();
  const templates = loadMessageTemplates();
  const segments = loadSegments();
  const channelConfig = opts.channels ?? providersFromEnv(process.env.CHANNEL_PROVIDERS);
  const given = { ...buildProviders(channelConfig), ...opts.services };
  const services = createServices({
    db,
    clock,
    blueprints: () => blueprints,
    templates: () => templates,
    segments: () => segments,
    ...given,
    // each configured provider's latency and errors land in /metrics (journeys_provider_*)
    providers: Object.fromEntries(Object.entries(given.providers ?? {}).map(([ch, p]) => [ch, instrumentProvider(ch as Channel, p)])),
    workspace: { approvals: opts.approvals ?? approvalsFromEnv(process.env.APPROVALS), ...opts.services?.workspace },
    enginePriority,
  });
  const firstAdmin = services.users.ensureFirstAdmin(opts.admin ?? { login: process.env.ADMIN_LOGIN, password: process.env.ADMIN_PASSWORD });
  if (firstAdmin) {
    log(`First admin: login "${firstAdmin.login}", ${firstAdmin.password ? `password ${firstAdmin.password} (shown once: note it, or change it under Users)` : 'password from ADMIN_PASSWORD'}`);
    if (opts.demoUsers)
      for (const role of roles.filter((r) => r !== 'admin')) {
        const password = generatePassword();
        services.users.create({ login: role, displayName: `Demo ${role}`, password, roles: [role] });
        log(`Demo user: login "${role}", password ${password}`);
      }
  }
  if (opts.seedDemo ?? true) {
    const seeded = services.journeys.seedBlueprints('demo');
    if (seeded) log(`Seeded ${seeded} blueprint journeys into the empty workspace.`);
    log(`Ingestion: POST /v1/identify | /v1/track | /v1/batch with HTTP Basic auth, user = write key ${services.workspace.settings().writeKey}`);
  }

  const ticking = opts.scheduler ?? clock.kind === 'real';
  let scheduler: Scheduler | null = null;
  const tickLagMs = () => scheduler?.lagMs() ?? null;
  const metrics = serverMetrics(db, ticking ? () => (scheduler?.lagMs() ?? 0) / 1000 : null);
  const router = services.simulation ? appRouter : productionRouter;
  const procedures = new Set(Object.keys(router._def.procedures));

  const app = express();
  app.disable('x-powered-by');
  app.use(assignRequestId);
  app.use(observeRequests(logger, procedures));
  // req.ip and req.secure from X-Forwarded-* only when a proxy on this machine sets them (HTTPS terminated in front)
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        // React and React Flow set style attributes; the built client has no inline script
        directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null },
      },
      // plain http on a LAN or localhost must keep working: HSTS only makes sense behind HTTPS
      strictTransportSecurity: false,
    }),
  );
  // probes and metrics: no auth, served on whatever HOST exposes (127.0.0.1 by default)
  app.use(healthRoutes(db, tickLagMs, opts.maxTickLagMs ?? maxTickLagFromEnv(process.env.READY_MAX_TICK_LAG_MS)));
  app.get('/metrics', async (_req, res) => void res.type(metrics.contentType).send(await metrics.render()));
  app.use('/auth', authRoutes(services.users, services.audit));
  app.use(
    '/v1',
    ingestRoutes(services.ingest, (key) => services.workspace.acceptsWriteKey(key, Date.now()), {
      logger,
      inboundSmsSecret: opts.inboundSmsSecret ?? (process.env.INBOUND_SMS_SECRET || undefined),
      sqlite: db.$client,
    }),
  );
  // tracked links: record the click (first per message counts), then send the reader on, UTM-tagged; only to
  // http(s) on the allow-list, checked at each click (a target may have come from a trait, or the list changed)
  app.get('/l/:code', (req, res) => {
    const click = services.engine.clicks(req.params.code, clock.now(), clock.now(), req.get('user-agent') ?? null, (url) => linkTargetProblem(url, services.workspace.linkHosts()));
    // the reader is a contact, on their phone, with no language chosen: Chinese first (the product's market), then English
    if (!click) return void res.status(404).type('text/plain').send('此链接不存在或已过期。\nThis link does not exist or has expired.');
    if ('refused' in click) {
      logger.warn({ requestId: requestIdOf(res), code: req.params.code, why: click.refused }, 'tracked link refused');
      return void res
        .status(403)
        .type('text/plain')
        .send(`此链接无法打开。\nThis link cannot be followed: ${click.refused.replace(/: add it under.*$/, '')}.`);
    }
    res.redirect(302, click.url);
  });
  // audience exports (CSV, streamed): under the session, like /trpc, outside it because tRPC answers JSON
  app.use('/export', exportRoutes(db, services, clock));
  app.use('/agent-tasks', agentTaskRoutes(db, services));
  app.use(
    '/trpc',
    csrfGuard,
    trpcGuard({ ip: clientIp, ...(opts.expensiveRate ? { expensive: opts.expensiveRate } : {}) }),
    trpcMiddleware({
      // dev.* (advanceClock, now) exists only on a fake clock
      router,
      createContext: ({ req, res }): Context => {
        const session = services.users.authenticate(sessionToken(req));
        const user = session?.user ?? null;
        return { services, clock, user, sessionId: session?.sessionId ?? null, actor: user?.displayName ?? 'anonymous', ip: clientIp(req), requestId: requestIdOf(res) };
      },
      // 1 MB: the largest journey graph or template draft is far below; a 100 MB body is refused before it is read
      maxBodySize: 1024 * 1024,
      maxBatchSize: maxBatchCalls,
      onError: ({ error, path, req }) => {
        const requestId = req.res ? requestIdOf(req.res) : 'unknown';
        const original = concealInternal(error, requestId, production);
        if (original) logger.error({ err: error.cause ?? error, requestId, path, stack: original.stack }, `tRPC ${path ?? '?'} failed: ${original.message}`);
      },
    }),
  );
  // unknown /api…, /v2…, /trpc typos: 404 JSON, never the SPA shell
  app.use(apiNotFound);
  if (existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    // client-side routes (/journeys/:id …) all load the SPA shell; without a session, the sign-in page first
    app.get('/{*path}', (req, res) => {
      if (req.path !== '/sign-in' && !services.users.authenticate(sessionToken(req))) {
        res.redirect(302, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      res.sendFile(join(clientDist, 'index.html'), { maxAge: 0 });
    });
  }
  app.use(finalNotFound);
  // a route that throws: 500 JSON with the request id, logged whole; no stack or SQL to the client
  app.use(errorHandler(logger, production));

  const server: Server = await new Promise((resolveListen, reject) => {
    // no host: every interface, as app.listen(port) would
    const s = app.listen({ port: opts.port, host: opts.host }, (err?: Error) => (err ? reject(err) : resolveListen(s)));
  });
  // an idle keep-alive connection stays open longer than clients and proxies keep theirs (60 s is the usual
  // idle limit), so the server never closes one just as a request is written on it: with Node's 5 s, a client
  // that reused a connection at that moment got ECONNRESET (35 in bench:api)
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? 'localhost'}:${port}`;
  services.setPublicUrl(url);
  // what crosses to a thread is cloned: provider objects and option functions (tests' fakes) keep the engine here
  const dispatcherOptions = { background: clock.kind === 'real', ...opts.services?.dispatcher };
  const useThread = opts.engineThread ?? (opts.databasePath !== ':memory:' && opts.services?.providers === undefined && cloneable(dispatcherOptions));
  const writeGate = useThread ? createWriteGate() : null;
  // the API's writes (ingest, every mutation) go before the engine thread's next batch: see db/writeGate.ts
  if (writeGate) {
    attachWriteGate(db.$client, writeGate, 'api');
    // each take of the lock, this thread's here and the engine thread's with its tick replies, in /metrics
    observeWriteLock(recordWriteLock);
  }
  const thread = writeGate
    ? await startEngineThread({
        writeGate,
        databasePath: opts.databasePath,
        providers: channelConfig,
        sandbox: opts.services?.sandbox ?? {},
        dispatcher: dispatcherOptions,
        ...(typeof opts.engineThread === 'object' ? { demo: opts.engineThread.demo } : {}),
        publicUrl: services.publicUrl(),
        owner: ownership.owner,
        priority: enginePriority,
      })
    : null;
  // background asked and proven possible, yet the thread could not be lowered (chrt gone since the proof): normal, said so
  const notBackground = priorityFallback ?? (thread && enginePriority === 'background' && thread.priority.policy !== 'SCHED_IDLE' ? 'the engine thread could not be put under SCHED_IDLE' : null);
  if (thread)
    log(
      `Engine on its own thread, at ${thread.priority.policy === 'normal' ? 'normal' : `background (${thread.priority.policy})`} CPU priority${notBackground ? ` (not background: ${notBackground})` : ''}`,
    );
  // a background engine that other work starves goes back to normal for a while (engine/thread/starvation.ts)
  const guard: StarvationGuard | null = thread?.priority.policy === 'SCHED_IDLE' && thread.priority.tid !== null ? guardAgainstStarvation(thread.priority.tid, { logger }) : null;
  // taken over by another server (one on another host, after this one's heartbeat went silent 30 s): the engine stops
  // here and on its thread, the API goes on
  ownership.onLost(() => thread?.disown());
  if (thread) {
    // the scheduler, dev.advanceClock and the demo's replay all tick through services.engine: now on the thread
    services.engine.tick = (now) => thread.tick(now);
    services.onEngineChange(() => thread.invalidate());
  }
  if (ticking) scheduler = startScheduler(services.engine, clock, { logger });
  return {
    url,
    db,
    services,
    clock,
    engineThread: thread !== null,
    enginePriority: thread?.priority ?? null,
    close: async () => {
      // a backtest's worker thread ends with the server, never after it: terminated, its row written, before the file closes
      await services.backtests.stop();
      await scheduler?.stop();
      guard?.stop();
      await thread?.stop();
      await checkpointer?.stop();
      await new Promise<void>((done) => {
        server.close(() => {
          db.$client.close();
          done();
        });
        server.closeAllConnections();
      });
    },
  };
}

function cloneable(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

/** READY_MAX_TICK_LAG_MS: how stale the engine's last tick may be before /readyz fails (default 60 s). */
export function maxTickLagFromEnv(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`READY_MAX_TICK_LAG_MS must be a whole number of ms, at least 1000; got "${v}"`);
  return n;
}

/** APPROVALS=off turns four-eyes off for a new workspace (a single-user install); anything but on/off is refused. */
export function approvalsFromEnv(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'on') return true;
  if (v === 'off') return false;
  throw new Error(`APPROVALS must be "on" or "off", got "${v}"`);
}
