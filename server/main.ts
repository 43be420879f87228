// first, before anything reads NODE_ENV
import './obs/production';
import { databasePathFromEnv, ensureClientBuilt } from './build';
import { startServer } from './app';
import { demoOptionsFromEnv, prepareDemo } from './demo/start';
import { log } from './obs/log';

/** `npm start`: build the client if needed, open (and migrate) the database, serve. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT ?? ''}"`);
  await ensureClientBuilt((m) => log.info(m));
  const databasePath = databasePathFromEnv();
  const seedDemo = process.env.SEED_DEMO !== '0';
  // the living demo (server/demo/start.ts): an empty database gets a population and 30 replayed days
  const demo = seedDemo ? prepareDemo(databasePath, demoOptionsFromEnv()) : null;
  // loopback unless told otherwise: putting the product on a network is a decision (HOST=0.0.0.0)
  const host = process.env.HOST || '127.0.0.1';
  const server = await startServer({ port, host, databasePath, seedDemo, demoUsers: seedDemo, ...demo?.serverOptions });
  log.info({ url: server.url, databasePath, clock: server.clock.kind, env: process.env.NODE_ENV }, `Journey builder at ${server.url}/ (database ${databasePath}, clock ${server.clock.kind})`);
  const living = demo?.start(server);
  const stop = () => void (living?.stop() ?? Promise.resolve()).then(() => server.close()).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  // a start-up refusal (a bad PORT, another server on the file) is its message; anything else keeps its stack in the log
  log.fatal({ err: e }, e instanceof Error ? e.message : String(e));
  process.exit(1);
});
