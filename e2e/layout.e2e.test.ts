/**
 * At 1024 px (a small laptop, a projector) no table is cut off: a table wider
 * than its card scrolls sideways inside it, with a shadow at the edge that
 * has more, instead of the card's rounded corners hiding its last columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { aGraph } from '../shared/fixtures/builders';
import { canvasReadability, postBatch, startApp, waitForCanvas, type App } from './harness';

/** Monday 2 Nov 2026, 10:00 in Shanghai: inside sending hours. */
const MONDAY_10AM_SHANGHAI = Date.parse('2026-11-02T10:00:00+08:00');

let app: App;
let page: Page;
let journeyId = '';
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: MONDAY_10AM_SHANGHAI, viewport: { width: 1024, height: 768 }, seed: 7 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});

/** The tables whose right edge a non-scrolling ancestor hides (their label, or their first header). */
function clippedTables(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = [];
    for (const table of document.querySelectorAll('table')) {
      const r = table.getBoundingClientRect();
      if (r.width === 0) continue;
      const name = table.getAttribute('aria-label') ?? table.querySelector('th')?.textContent ?? 'a table';
      for (let a = table.parentElement; a; a = a.parentElement) {
        const overflow = getComputedStyle(a).overflowX;
        if (overflow === 'auto' || overflow === 'scroll') break; // it scrolls: nothing is lost
        if ((overflow === 'hidden' || overflow === 'clip') && r.right > a.getBoundingClientRect().right + 1) {
          out.push(name);
          break;
        }
      }
    }
    return out;
  });
}

describe('layout at 1024 px: tables never clip', () => {
  it('has messages, templates with results and contacts to show', async () => {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'ping' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('done', 'exit', {})
      .then('entry', 'sms')
      .then('sms', 'done')
      .build();
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Layout check' });
    await app.trpc.journeys.saveDraft.mutate({ id, graph });
    await app.trpc.journeys.publish.mutate({ id });
    const users = Array.from({ length: 30 }, (_, i) => `layout-${i}`);
    await postBatch(app, [
      // one of them lives in New York: the contacts list still shows every time in the workspace's zone
      ...users.map((userId, i) => ({
        type: 'identify',
        userId,
        traits: { name: `联系人 ${i} 的一个很长的名字`, phone: `+86139${String(10_000_000 + i)}`, ...(i === users.length - 1 ? { timezone: 'America/New_York' } : {}) },
      })),
      ...users.map((userId) => ({ type: 'track', userId, event: 'ping' })),
    ]);
    await app.trpc.dev.advanceClock.mutate({ ms: 60_000 });
    expect((await app.trpc.channels.outboxPage.query({ filter: { journeyId: id } })).total).toBe(30);
    journeyId = id;
  });

  it('keeps a journey readable with Numbers on: no node with its numbers covers the next, no edge label hides behind a node', async () => {
    // the builder stacks the nodes 140 px apart, as a tidy column: each strip of numbers would reach into the node below
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await waitForCanvas(page);
    await page.getByRole('group', { name: 'Numbers on the canvas' }).getByRole('button', { name: 'Numbers' }).click();
    await expect.poll(() => page.locator('dl[aria-label="Node numbers"]').count()).toBe(3);
    await page.locator('.je__label').first().waitFor();
    const layout = await canvasReadability(page);
    expect(layout).toEqual({ overlaps: [], hidden: [] });
    await app.screenshot('layout-1024-numbers-on');
  });

  it.each([
    ['journeys', '/journeys'],
    ['templates', '/templates'],
    ['a template with its results', '/templates/recall_sms'],
    ['contacts', '/contacts'],
    ['the outbox', '/outbox'],
    ['settings', '/settings'],
    ['the audit log', '/audit'],
  ])('%s', async (what, path) => {
    await page.goto(`${app.url}${path}`);
    await page.locator('main h1').first().waitFor();
    // the page's own data has arrived (tables fill after their queries)
    await page.waitForLoadState('networkidle');
    expect(await clippedTables(page), `clipped tables on ${what}`).toEqual([]);
    // and the header keeps the account and its sign-out on screen
    const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
    expect(signOut && signOut.x + signOut.width).toBeLessThanOrEqual(1024);
    await app.screenshot(`layout-1024-${path.replaceAll('/', '-').replace(/^-/, '')}`);
  });

  it('lists contacts with their first-seen times in one zone, the workspace’s, named in the column', async () => {
    await page.goto(`${app.url}/contacts`);
    const table = page.getByRole('table', { name: 'Newest contacts' });
    await table.getByRole('columnheader', { name: 'First seen (Asia/Shanghai)' }).waitFor();
    const times = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.children[4]?.textContent ?? ''));
    expect(times.length).toBeGreaterThan(1);
    // all arrived in the same minute: one zone shows one time, New York's contact included
    expect(new Set(times).size).toBe(1);
  });
});
