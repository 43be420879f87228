import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signedInClient, testAdmin, type trpcClient } from './signIn';
import { rootDir } from '../build';

/** The real server in a child process (server/testing/childServer.ts), signed in as the admin: crash tests kill it with SIGKILL. */
export interface Child {
  proc: ChildProcess;
  url: string;
  trpc: ReturnType<typeof trpcClient>;
  writeKey: string;
}

/** Start the child on `dbPath` with a fake clock at `clockStart`, four-eyes off, and any further environment (e.g. CHANNEL_PROVIDERS). */
export async function startChild(dbPath: string, clockStart: number, env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(rootDir, 'server/testing/childServer.ts')], {
    cwd: rootDir,
    env: {
      ...process.env,
      CLOCK: 'fake',
      FAKE_CLOCK_START: new Date(clockStart).toISOString(),
      DATABASE_PATH: dbPath,
      PORT: '0',
      ADMIN_LOGIN: testAdmin.login,
      ADMIN_PASSWORD: testAdmin.password,
      APPROVALS: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`child server exited early (${String(code)})`)));
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', resolve);
  });
  const { url } = JSON.parse(line) as { url: string };
  const trpc = await signedInClient(url, testAdmin, { batch: false });
  const { writeKey } = await trpc.workspace.get.query();
  if (!writeKey) throw new Error('the admin sees no write key');
  return { proc, url, trpc, writeKey };
}

/** SIGKILL, and resolve once it has exited (at once if it already had). */
export const killChild = (c: Child) =>
  new Promise<void>((resolve) => {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve();
    c.proc.once('exit', () => resolve());
    c.proc.kill('SIGKILL');
  });
