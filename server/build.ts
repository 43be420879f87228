import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const rootDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const clientDist = join(rootDir, 'dist', 'client');

/** The SQLite file the server and the CLIs open: DATABASE_PATH, else data/journeys.db in the project. */
export const databasePathFromEnv = (): string => resolve(process.env.DATABASE_PATH ?? join(rootDir, 'data', 'journeys.db'));

/** Newest modification time under `path` (a file or a folder), skipping tests and stories. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || /\.(test|stories)\.tsx?$/.test(name)) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** True when dist/client is missing or older than the sources it is built from. */
export function clientBuildIsStale(): boolean {
  const built = join(clientDist, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['client', 'shared', 'vite.config.ts', 'package.json'].map((p) => newestMtime(join(rootDir, p)));
  return Math.max(...sources) > statSync(built).mtimeMs;
}

/** `npm start` builds the client itself when the build is missing or stale: no third command. */
export async function ensureClientBuilt(log: (m: string) => void = console.log): Promise<void> {
  if (!clientBuildIsStale()) return;
  log('Building the client (dist/client is missing or stale)…');
  const { build } = await import('vite');
  await build({ configFile: join(rootDir, 'vite.config.ts'), logLevel: 'warn' });
}
