import express from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from './db/client';
import { startCheckpointer } from './db/checkpointer';
import { clockFromEnv, type Clock } from './clock';
import { createServices, type Services } from './services';
import { appRouter, productionRouter } from './trpc/root';
import { ingestRoutes } from './ingest/routes';
import { buildProviders, providersFromEnv, type ProvidersConfig } from './channels/config';
import { startScheduler, type Scheduler } from './scheduler';
import { clientDist } from './build';
import { loadBlueprints, loadMessageTemplates, loadSegments } from './library/loadLibrary';
import type { ServiceDeps } from './services';
import { authRoutes, clientIp, csrfGuard, sessionToken } from './auth/http';
import type { Context } from './trpc/init';
import { roles } from '../shared/auth/roles';
import { generatePassword } from './auth/passwords';

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
}

export interface RunningServer {
  url: string;
  db: Db;
  services: Services;
  clock: Clock;
  close(): Promise<void>;
}

function resolveClock(c: ServerOptions['clock']): Clock {
  if (c === undefined || typeof c === 'string') return clockFromEnv(c ? { CLOCK: c } : process.env);
  return c;
}

/** The whole product on one port: tRPC at /trpc, the built client at /. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? console.log;
  const clock = resolveClock(opts.clock);
  const db = openDatabase(opts.databasePath);
  // WAL checkpoints on a thread of their own, off the engine's
  const checkpointer = opts.databasePath === ':memory:' ? null : startCheckpointer(db, opts.databasePath);
  const blueprints = loadBlueprints();
  const templates = loadMessageTemplates();
  const segments = loadSegments();
  const services = createServices({
    db,
    clock,
    blueprints: () => blueprints,
    templates: () => templates,
    segments: () => segments,
    ...buildProviders(opts.channels ?? providersFromEnv(process.env.CHANNEL_PROVIDERS)),
    ...opts.services,
    workspace: { approvals: opts.approvals ?? approvalsFromEnv(process.env.APPROVALS), ...opts.services?.workspace },
  });
  const firstAdmin = services.users.ensureFirstAdmin(opts.admin ?? { login: process.env.ADMIN_LOGIN, password: process.env.ADMIN_PASSWORD });
  if (firstAdmin) {
    log(`First admin: login "${firstAdmin.login}", ${firstAdmin.password ? `password ${firstAdmin.password} (shown once: note it, or change it under Users)` : 'password from ADMIN_PASSWORD'}`);
    if (opts.demoUsers) for (const role of roles.filter((r) => r !== 'admin')) {
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

  const app = express();
  app.disable('x-powered-by');
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
  app.use('/auth', authRoutes(services.users, services.audit));
  app.use('/v1', ingestRoutes(services.ingest, (key) => services.workspace.acceptsWriteKey(key, Date.now())));
  // tracked links: record the click (first per message counts), then send the reader on, UTM-tagged
  app.get('/l/:code', (req, res) => {
    const click = services.engine.clicks(req.params.code, clock.now(), clock.now(), req.get('user-agent') ?? null);
    if (!click) return void res.status(404).type('text/plain').send('This link does not exist or has expired.');
    res.redirect(302, click.url);
  });
  app.use(
    '/trpc',
    csrfGuard,
    createExpressMiddleware({
      // dev.* (advanceClock, now) exists only on a fake clock
      router: services.simulation ? appRouter : productionRouter,
      createContext: ({ req }): Context => {
        const session = services.users.authenticate(sessionToken(req));
        const user = session?.user ?? null;
        return { services, clock, user, sessionId: session?.sessionId ?? null, actor: user?.displayName ?? 'anonymous', ip: clientIp(req), requestId: randomUUID() };
      },
      maxBodySize: 2 * 1024 * 1024,
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error);
      },
    }),
  );
  if (existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    // client-side routes (/journeys/:id …) all load the SPA shell; without a session, the sign-in page first
    app.get('/{*path}', (req, res) => {
      if (req.path !== '/sign-in' && !services.users.authenticate(sessionToken(req))) return void res.redirect(302, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      res.sendFile(join(clientDist, 'index.html'), { maxAge: 0 });
    });
  }

  const server: Server = await new Promise((resolveListen, reject) => {
    // no host: every interface, as app.listen(port) would
    const s = app.listen({ port: opts.port, host: opts.host }, (err?: Error) => (err ? reject(err) : resolveListen(s)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? 'localhost'}:${port}`;
  services.setPublicUrl(url);
  const scheduler: Scheduler | null = (opts.scheduler ?? clock.kind === 'real') ? startScheduler(services.engine, clock) : null;
  return {
    url,
    db,
    services,
    clock,
    close: async () => {
      await scheduler?.stop();
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

/** APPROVALS=off turns four-eyes off for a new workspace (a single-user install); anything but on/off is refused. */
export function approvalsFromEnv(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'on') return true;
  if (v === 'off') return false;
  throw new Error(`APPROVALS must be "on" or "off", got "${v}"`);
}
