/**
 * What ops see of a failing channel and of a transactional send, in a real
 * browser over the real server: a channel whose recent answers mostly fail
 * (the dispatcher's own health record, server/outbox/health.ts) puts a banner
 * on every page, naming the channel and its last error, with the dead letters
 * a click away; the banner goes once the channel recovers. A send node whose
 * template an admin marked transactional says so on the canvas, and a
 * marketing one does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BLUEPRINT_1, startApp, waitForCanvas, type App } from './harness';
import { createChannelHealth } from '../server/outbox/health';

/** Monday 2 Nov 2026, 10:00 in Shanghai. */
const T0 = Date.parse('2026-11-02T10:00:00+08:00');

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: T0 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});

/** Load `path` and wait for the app's channel-health answer, so what the banner shows is what the server said. */
async function open(path: string): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().includes('channels.health'));
  await page.goto(`${app.url}${path}`);
  await answered;
}

describe('channel health and transactional sends, as ops see them', () => {
  it('shows a failing channel in a banner with its last error, links the dead letters, and drops it once the channel recovers', async () => {
    const health = createChannelHealth(app.server.db, () => {});
    const now = app.server.clock.now();
    for (let i = 0; i < 12; i++) health.record('sms', true, 'HTTP 503', now + i);
    expect(health.state('sms')).toBe('failing');

    await open('/');
    const banner = page.getByRole('alert', { name: 'Channel health' });
    await banner.waitFor();
    const text = await banner.textContent();
    expect(text).toContain('SMS is failing since');
    expect(text).toContain('(last error: HTTP 503)');
    await banner.getByRole('link', { name: 'See the dead letters' }).click();
    await page.waitForURL('**/dead-letters');
    // on every page, this one included
    expect(await page.getByRole('alert', { name: 'Channel health' }).count()).toBe(1);

    // answers come back: 12 failures in 72 attempts is under the recovery rate
    for (let i = 0; i < 60; i++) health.record('sms', false, null, now + 100 + i);
    expect(health.state('sms')).toBe('healthy');
    await open('/');
    await page.getByRole('heading', { name: 'Journeys' }).waitFor();
    expect(await page.getByRole('alert', { name: 'Channel health' }).count()).toBe(0);
  });

  it('marks a send node whose template is transactional on the canvas, and no marketing one', async () => {
    const journeys = await app.trpc.journeys.list.query();
    const badges = async (blueprint: string) => {
      const j = journeys.find((x) => x.blueprint === blueprint);
      if (!j) throw new Error(`blueprint ${blueprint} missing`);
      await page.goto(`${app.url}/journeys/${encodeURIComponent(j.id)}`);
      await waitForCanvas(page);
      return { sends: await page.locator('.jn-send').count(), transactional: await page.locator('.jn-send__transactional').allTextContents() };
    };
    const repayment = await badges('repayment_due');
    expect(repayment.sends).toBeGreaterThan(0);
    expect(repayment.transactional).toHaveLength(repayment.sends);
    expect(repayment.transactional.every((t) => t.trim() === 'transactional')).toBe(true);
    const recall = await badges(BLUEPRINT_1);
    expect(recall.sends).toBeGreaterThan(0);
    expect(recall.transactional).toEqual([]);
  });
});
