import { startServer } from '../app';

/**
 * The server as a child process for crash tests: no client build, port from
 * PORT (0 = any), database from DATABASE_PATH, clock from CLOCK /
 * FAKE_CLOCK_START. Prints one JSON line with its URL when it listens.
 */
const server = await startServer({
  port: Number(process.env.PORT ?? 0),
  databasePath: process.env.DATABASE_PATH ?? '',
  log: () => {},
  // ADMIN_LOGIN / ADMIN_PASSWORD and APPROVALS come from the environment, as under npm start
});
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
