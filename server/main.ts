import { databasePathFromEnv, ensureClientBuilt } from './build';
import { startServer } from './app';
import { demoOptionsFromEnv, prepareDemo } from './demo/start';

/** `npm start`: build the client if needed, open (and migrate) the database, serve. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  await ensureClientBuilt();
  const databasePath = databasePathFromEnv();
  const seedDemo = process.env.SEED_DEMO !== '0';
  // the living demo (server/demo/start.ts): an empty database gets a population and 30 replayed days
  const demo = seedDemo ? prepareDemo(databasePath, demoOptionsFromEnv()) : null;
  // loopback unless told otherwise: putting the product on a network is a decision (HOST=0.0.0.0)
  const host = process.env.HOST || '127.0.0.1';
  const server = await startServer({ port, host, databasePath, seedDemo, demoUsers: seedDemo, ...demo?.serverOptions });
  console.log(`Journey builder at ${server.url}/ (database ${databasePath}, clock ${server.clock.kind})`);
  const living = demo?.start(server);
  const stop = () => void (living?.stop() ?? Promise.resolve()).then(() => server.close()).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
