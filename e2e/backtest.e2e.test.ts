/**
 * An operator backtests a draft from the canvas: blueprint 1, never published,
 * over the last 14 days of a workspace whose sign-ups and logins are recorded.
 * The Backtest button runs it on the server's own thread, the bar shows its
 * progress, and when it is done the canvas shows the backtest's numbers in
 * their own colour with the legend "Backtest over …, not live", each node
 * as `backtests.latest` says; turning the live numbers on takes them away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { BLUEPRINT_1, postBatch, startApp, waitForCanvas, type App } from './harness';
import { stepsOfOneStory } from './story';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CONTACTS = 40;
const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

let app: App;
let page: Page;
beforeAll(async () => {
  // a fake clock standing at now: nothing ticks behind the test's back, and the browser's "last 14 days" are the server's
  app = await startApp({ clock: 'fake', seed: 20261120 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

/** A node's backtest strip as drawn: term → value, or null when it has none. */
async function shownBacktest(node: Locator): Promise<Record<string, string> | null> {
  const dl = node.getByRole('group').locator('dl[aria-label="Backtest numbers"]');
  if ((await dl.count()) === 0) return null;
  return dl.evaluate((el) =>
    Object.fromEntries([...el.querySelectorAll('div')].map((d) => [d.querySelector('dt')?.textContent?.trim() ?? '', d.querySelector('dd')?.textContent?.replace(/\s+/g, ' ').trim() ?? ''])),
  );
}

describe('backtest: an operator replays a draft over the last two weeks', () => {
  let journeyId = '';
  let now = 0;

  it('records two weeks of sign-ups and logins; the recall journey is still a draft', async () => {
    const journey = (await app.trpc.journeys.list.query()).find((j) => j.blueprint === BLUEPRINT_1);
    if (!journey) throw new Error('blueprint 1 was not seeded');
    expect(journey.status).toBe('draft');
    journeyId = journey.id;
    now = (await app.trpc.dev.now.query()).now;
    const batch: unknown[] = [];
    for (let i = 0; i < CONTACTS; i++) {
      const userId = `bt-${String(i).padStart(2, '0')}`;
      batch.push({
        type: 'identify',
        userId,
        messageId: `identify-${userId}`,
        traits: { name: `用户${i}`, phone: `+86137${String(10_000_000 + i)}`, registered_at: new Date(now - (20 + i) * DAY).toISOString() },
      });
      // a quarter logged in before the window (outside the segment); some log in during it
      if (i % 4 === 0) batch.push({ type: 'track', userId, event: 'app_login', messageId: `old-login-${userId}`, timestamp: new Date(now - 18 * DAY).toISOString() });
      if (i % 5 === 1) batch.push({ type: 'track', userId, event: 'app_login', messageId: `login-${userId}`, timestamp: new Date(now - (12 - (i % 10)) * DAY - 3 * HOUR).toISOString() });
    }
    await postBatch(app, batch);
  });

  it('runs the backtest from the canvas and sees its numbers, in the backtest colour, with the legend', async () => {
    const operator = await app.addUser(['operator'], 'operator');
    await app.signInAs(operator);
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await waitForCanvas(page);
    const bar = page.getByRole('group', { name: 'Backtest' });
    expect(await bar.locator('input[type="date"]').first().inputValue()).toBe(day(now - 14 * DAY));
    // a window too long is refused, worded from its code in the reader's language (issue 18), not the server's English
    await bar
      .locator('input[type="date"]')
      .first()
      .fill(day(now - 400 * DAY));
    await bar.getByRole('button', { name: 'Backtest', exact: true }).click();
    await expect.poll(() => bar.locator('.sf__errors').textContent()).toMatch(/^A backtest covers at most \d+ days\.$/);
    await bar
      .locator('input[type="date"]')
      .first()
      .fill(day(now - 14 * DAY));
    await bar.getByRole('button', { name: 'Backtest', exact: true }).click();

    // done: the switch is on, the legend says which days and that these are not live numbers
    const toggle = bar.getByRole('button', { name: 'Backtest numbers' });
    await toggle.waitFor({ timeout: 60_000 });
    await expect.poll(() => toggle.getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    const latest = await app.trpc.backtests.latest.query({ journeyId });
    expect(latest).toMatchObject({ status: 'done', startedBy: 'operator', liveVersion: null, stale: false });
    const result = latest?.result;
    if (!result) throw new Error('no result');
    const legend = `Backtest over ${day(result.from)} … ${day(result.to - 1).slice(5)}, not live`;
    await bar.getByText(legend).waitFor();
    expect(result.draft.entered).toBe(30);

    // every node carries its strip (a node nobody would have reached says 0), as the API has it; none carries live numbers
    const counted = Object.entries(result.draft.nodes);
    expect(counted.map(([id]) => id).sort()).toEqual((await app.trpc.journeys.get.query({ id: journeyId })).draft.nodes.map((n) => n.id).sort());
    await expect.poll(() => page.locator('dl[aria-label="Backtest numbers"]').count()).toBe(counted.length);
    expect(await page.locator('dl[aria-label="Node numbers"]').count()).toBe(0);
    for (const [id, n] of counted) {
      const shown = await shownBacktest(page.locator(`.react-flow__node[data-id="${id}"]`));
      expect(shown, id).toEqual({
        entered: fmt(n.entered),
        ...(n.channel ? { sent: fmt(n.sent), withheld: fmt(Object.values(n.withheld).reduce((s, x) => s + x, 0)) } : {}),
        ...(n.exited > 0 ? { exits: fmt(n.exited) } : {}),
        goal: `${fmt(n.converted)} ${pct(n.conversionRate)}`,
      });
    }
    // drawn in the backtest colour, not on the live conversion scale
    const strip = page.locator('.react-flow__node[data-id="sms_1"] dl.jn__overlay--backtest');
    expect(await strip.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('dashed');
    expect(await page.locator('.react-flow__node dl[class*="jn__overlay--band"]').count()).toBe(0);
    await app.screenshot('backtest-1-canvas');
  });

  it('gives way to the live numbers, which are never drawn as a backtest', async () => {
    const numbers = page.getByRole('group', { name: 'Numbers on the canvas' }).getByRole('button', { name: 'Numbers' });
    await numbers.click();
    await expect.poll(() => page.locator('dl[aria-label="Backtest numbers"]').count()).toBe(0);
    const toggle = page.getByRole('group', { name: 'Backtest' }).getByRole('button', { name: 'Backtest numbers' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByText(/not live/).count()).toBe(0);
  });
});
