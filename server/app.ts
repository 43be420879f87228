import express from 'express';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from './db/client';
import { clockFromEnv, type Clock } from './clock';
import { createServices, type Services } from './services';
import { appRouter } from './trpc/root';
import { clientDist } from './build';
import { libraryRefs, loadBlueprints } from './library/loadLibrary';

export interface ServerOptions {
  port: number;
  databasePath: string;
  clock?: Clock | 'real' | 'fake';
  /** seed the demo workspace into an empty database (default true) */
  seedDemo?: boolean;
  log?: (m: string) => void;
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
  const blueprints = loadBlueprints();
  const refs = libraryRefs();
  const services = createServices({ db, clock, refs: () => refs, blueprints: () => blueprints });
  if (opts.seedDemo ?? true) {
    const seeded = services.journeys.seedBlueprints('demo');
    if (seeded) log(`Seeded ${seeded} blueprint journeys into the empty workspace.`);
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: () => ({ services, clock, actor: 'operator' }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error);
      },
    }),
  );
  if (existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    // client-side routes (/journeys/:id …) all load the SPA shell
    app.get('/{*path}', (_req, res) => res.sendFile(join(clientDist, 'index.html'), { maxAge: 0 }));
  }

  const server: Server = await new Promise((resolveListen, reject) => {
    const s = app.listen(opts.port, (err?: Error) => (err ? reject(err) : resolveListen(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    db,
    services,
    clock,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => {
          db.$client.close();
          done();
        });
        server.closeAllConnections();
      }),
  };
}
