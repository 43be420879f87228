import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signIn, testAdmin, testPasswordCost, trpcClient } from '../server/testing/signIn';
import type { Role } from '../shared/auth/roles';
import type { RunningServer } from '../server/app';

export const artifactsDir = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** Debian's Chromium; this project never downloads a browser of its own (bench/canvas.ts launches the same). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Vitest globalSetup: the server serves dist/client, so build it first when missing or stale. */
export async function setup(): Promise<void> {
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium (never "playwright install").`);
  const { ensureClientBuilt } = await import('../server/build');
  await ensureClientBuilt();
}

/**
 * Blueprint 1 of the seed flows: segment entry → holdout split → SMS → wait for
 * login (event / timeout) → robo-call → exit; smsThenCallGraph() has its shape.
 */
export const BLUEPRINT_1 = 'registered_never_logged_in';

export interface App {
  url: string;
  /** the server itself: its database, for what no API shows (e.g. what the sandbox provider delivered) */
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** signed in as the admin */
  trpc: ReturnType<typeof trpcClient>;
  /** Create a user with these roles (login: the roles joined, password "<login>-password"). */
  addUser: (roles: Role[], login?: string) => Promise<{ login: string; password: string }>;
  /** Sign the browser page in (replacing any session) through the sign-in page's own route. */
  signInAs: (who: { login: string; password: string }) => Promise<void>;
  /** Save a screenshot to e2e/artifacts/<name>.png (gitignored). */
  screenshot: (name: string) => Promise<void>;
  close: () => Promise<void>;
}

export interface StartOptions {
  /** 'fake': the server's clock moves only through `dev.advanceClock` (and exposes `dev.*`) */
  clock?: 'real' | 'fake';
  /** where a fake clock starts (epoch ms); default: now */
  fakeClockStart?: number;
  viewport?: { width: number; height: number };
  /** four-eyes approval (default off: a single-user install; the approvals spec turns it on) */
  approvals?: boolean;
  /** sign the page in as the admin before the test starts (default true) */
  signedIn?: boolean;
  /**
   * The workspace's rng seed (default random): the sandbox's replies and the
   * splits' draws follow it, so a spec that counts on a reply (a login, a
   * click) names one and tells the same story every run.
   */
  seed?: number;
  /**
   * The browser's language (default 'en-US'): with no language saved on the
   * account it picks the UI's, so the specs that find elements by their
   * English names run in English and i18n.e2e.test.ts runs in 'zh-CN'.
   */
  locale?: string;
}

/** The real server on a free port over a fresh temporary database, and a Chromium page. */
export async function startApp(opts: StartOptions = {}): Promise<App> {
  const { startServer } = await import('../server/app');
  const { FakeClock } = await import('../server/clock');
  if (opts.fakeClockStart !== undefined && opts.clock !== 'fake') throw new Error('fakeClockStart needs clock: "fake"');
  const clock = opts.clock === 'fake' ? new FakeClock(opts.fakeClockStart ?? Date.now()) : 'real';
  const dir = mkdtempSync(join(tmpdir(), 'journeys-e2e-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databasePath: join(dir, 'e2e.db'),
    clock,
    log: () => {},
    admin: testAdmin,
    approvals: opts.approvals ?? false,
    services: { accounts: { passwordCost: testPasswordCost }, ...(opts.seed === undefined ? {} : { workspace: { rngSeed: opts.seed } }) },
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 }, locale: opts.locale ?? 'en-US' });
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // React Flow reports a mis-wired canvas (e.g. an edge to a missing handle) only on the console
    // … and a Content-Security-Policy violation (helmet's CSP must let the built client do all it does) likewise
    page.on('console', (m) => {
      if (m.text().includes('[React Flow]') || m.text().includes('Content Security Policy')) pageErrors.push(m.text());
    });
    mkdirSync(artifactsDir, { recursive: true });
    const b = browser;
    const trpc = trpcClient(server.url, await signIn(server.url, testAdmin.login, testAdmin.password));
    const signInAs = async (who: { login: string; password: string }) => {
      await page.context().clearCookies();
      // the page's own request context: the cookie lands in the browser, as the sign-in page would leave it
      const res = await page.request.post(`${server.url}/auth/sign-in`, { data: who, headers: { origin: server.url } });
      if (res.status() !== 204) throw new Error(`sign-in as "${who.login}" answered ${res.status()}: ${await res.text()}`);
    };
    if (opts.signedIn ?? true) await signInAs(testAdmin);
    return {
      url: server.url,
      server,
      browser: b,
      page,
      trpc,
      signInAs,
      async addUser(roles, login = roles.join('-')) {
        const password = `${login}-password`;
        await trpc.users.create.mutate({ login, displayName: login, password, roles });
        return { login, password };
      },
      screenshot: async (name) => {
        await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
      },
      close: async () => {
        await b.close();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
        if (pageErrors.length) throw new Error(`Uncaught errors in the page:\n${pageErrors.join('\n')}`);
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** POST a Segment-compatible batch to /v1/batch with the workspace's write key (HTTP Basic, as an SDK sends it). */
export async function postBatch(app: Pick<App, 'url' | 'trpc'>, batch: unknown[]): Promise<{ success: boolean; accepted: number; duplicates: number }> {
  const { writeKey } = await app.trpc.workspace.get.query();
  if (!writeKey) throw new Error('only an admin sees the write key');
  const res = await fetch(`${app.url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
    body: JSON.stringify({ batch }),
  });
  if (res.status !== 200) throw new Error(`POST /v1/batch answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { success: boolean; accepted: number; duplicates: number };
}

/**
 * Whether the canvas reads well: the node pairs (each with its numbers strip)
 * that overlap on screen, and the edge labels on screen that something else is
 * drawn over. Both empty when it does.
 */
export function canvasReadability(page: Page): Promise<{ overlaps: string[]; hidden: string[] }> {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => ({ id: n.dataset.id ?? '', r: n.getBoundingClientRect() }));
    const overlaps: string[] = [];
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) if (a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom) overlaps.push(`${a.id} × ${b.id}`);
    // labels let clicks through; for this look, make them hit-testable so elementFromPoint sees what is drawn on top
    for (const l of document.querySelectorAll<HTMLElement>('.je__label')) l.style.pointerEvents = 'auto';
    const hidden = [...document.querySelectorAll<HTMLElement>('.je__label')]
      .filter((l) => {
        const r = l.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return top !== null && !l.contains(top) && r.top >= 0 && r.bottom <= window.innerHeight;
      })
      .map((l) => l.textContent ?? '');
    return { overlaps, hidden };
  });
}

/** Wait until React Flow has measured and fitted the canvas (nodes are visible, not just mounted). */
export async function waitForCanvas(page: Page): Promise<void> {
  await page.locator('.react-flow__node').first().waitFor({ state: 'visible' });
  await page.waitForFunction(() => {
    const vp = document.querySelector<HTMLElement>('.react-flow__viewport');
    return !!vp && vp.style.transform !== '' && vp.style.transform !== 'translate(0px, 0px) scale(1)';
  });
}
