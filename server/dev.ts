import { createServer } from 'vite';
import { join } from 'node:path';
import { databasePathFromEnv, rootDir } from './build';
import { startServer } from './app';
import { log } from './obs/log';

/**
 * `npm run dev`: the API on PORT (3000) and Vite with hot reload on 5173,
 * proxying /trpc to it. tsx watch restarts this process on server changes.
 */
async function dev(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const api = await startServer({ port, host: process.env.HOST || '127.0.0.1', databasePath: databasePathFromEnv() });
  const vite = await createServer({ configFile: join(rootDir, 'vite.config.ts') });
  await vite.listen();
  log.info(`API ${api.url}/trpc · UI with hot reload:`);
  vite.printUrls();
}

dev().catch((e: unknown) => {
  log.fatal({ err: e }, e instanceof Error ? e.message : String(e));
  process.exit(1);
});
