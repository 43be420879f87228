import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import type { AppRouter } from '../trpc/root';
import { clientHeader } from '../auth/http';
import { maxBatchCalls } from '../http/trpcGuard';

/** The admin tests, e2e and benches start their servers with (ADMIN_LOGIN / ADMIN_PASSWORD on a child process). */
export const testAdmin = { login: 'admin', password: 'test-admin-password' } as const;

/** A cheap scrypt for tests: the cost is stored in each hash, so this only speeds up accounts made under test. */
export const testPasswordCost = { N: 1024, r: 8, p: 1 } as const;

/** POST /auth/sign-in, as any script does; the session cookie ("jb_session=…") to send back. */
export async function signIn(url: string, login: string, password: string): Promise<string> {
  const res = await fetch(`${url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  if (res.status !== 204) throw new Error(`sign-in as "${login}" answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jb_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie.split(';')[0] ?? '';
}

/** A tRPC client over HTTP that sends a session cookie and the client header (the CSRF check wants one of Origin or it). */
export function trpcClient(url: string, cookie: string, { batch = true } = {}) {
  const headers = { cookie, [clientHeader]: 'script' };
  // the server takes at most maxBatchCalls calls a request (server/http/trpcGuard.ts)
  return createTRPCClient<AppRouter>({ links: [batch ? httpBatchLink({ url: `${url}/trpc`, headers, maxItems: maxBatchCalls }) : httpLink({ url: `${url}/trpc`, headers })] });
}

/** Sign in and return a client: `await signedInClient(url)` is the admin. */
export async function signedInClient(url: string, as: { login: string; password: string } = testAdmin, opts?: { batch?: boolean }) {
  return trpcClient(url, await signIn(url, as.login, as.password), opts);
}
