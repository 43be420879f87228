import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '../server/trpc/root';

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
  browser: Browser;
  page: Page;
  trpc: TRPCClient<AppRouter>;
  /** Save a screenshot to e2e/artifacts/<name>.png (gitignored). */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** 'fake': the server's clock moves only through `dev.advanceClock` (and exposes `dev.*`) */
  clock?: 'real' | 'fake';
  /** where a fake clock starts (epoch ms); default: now */
  fakeClockStart?: number;
  viewport?: { width: number; height: number };
}

/** The real server on a free port over a fresh temporary database, and a Chromium page. */
export async function startApp(opts: StartOptions = {}): Promise<App> {
  const { startServer } = await import('../server/app');
  const { FakeClock } = await import('../server/clock');
  if (opts.fakeClockStart !== undefined && opts.clock !== 'fake') throw new Error('fakeClockStart needs clock: "fake"');
  const clock = opts.clock === 'fake' ? new FakeClock(opts.fakeClockStart ?? Date.now()) : 'real';
  const dir = mkdtempSync(join(tmpdir(), 'journeys-e2e-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', databasePath: join(dir, 'e2e.db'), clock, log: () => {} });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // React Flow reports a mis-wired canvas (e.g. an edge to a missing handle) only on the console
    page.on('console', (m) => {
      if (m.text().includes('[React Flow]')) pageErrors.push(m.text());
    });
    mkdirSync(artifactsDir, { recursive: true });
    const b = browser;
    return {
      url: server.url,
      browser: b,
      page,
      trpc: createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] }),
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
  const res = await fetch(`${app.url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
    body: JSON.stringify({ batch }),
  });
  if (res.status !== 200) throw new Error(`POST /v1/batch answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { success: boolean; accepted: number; duplicates: number };
}

/** Wait until React Flow has measured and fitted the canvas (nodes are visible, not just mounted). */
export async function waitForCanvas(page: Page): Promise<void> {
  await page.locator('.react-flow__node').first().waitFor({ state: 'visible' });
  await page.waitForFunction(() => {
    const vp = document.querySelector<HTMLElement>('.react-flow__viewport');
    return !!vp && vp.style.transform !== '' && vp.style.transform !== 'translate(0px, 0px) scale(1)';
  });
}
