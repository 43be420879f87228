/**
 * The numbers ops and copywriters act on (issue 17), in a real browser:
 * ops opens the Recall journey after a week and reads the uplift over its 5%
 * holdout, with its interval, on the holdout node and in the journey summary,
 * beside a daily chart; a copywriter compares two versions of the recall SMS.
 * What the page shows must be what the API says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BLUEPRINT_1, postBatch, startApp, waitForCanvas, type App } from './harness';

/** Monday 2 Nov 2026, 10:30 in Shanghai: no quiet hours in the way, the segment enrols at once. */
const MONDAY_1030_SHANGHAI = Date.parse('2026-11-02T10:30:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CONTACTS = 400;
const SEED = 20261117;
const TEMPLATE = 'recall_sms';

/** "+3.2 pp", as the uplift panel writes a difference of rates. */
const points = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp`;

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: MONDAY_1030_SHANGHAI, seed: SEED });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});

/** `count` H5 sign-ups of the last weeks who never opened the app, ids from `from`. */
const signUps = (from: number, count: number, now: number) =>
  Array.from({ length: count }, (_, i) => {
    const userId = `up-${String(from + i).padStart(4, '0')}`;
    return {
      type: 'identify',
      userId,
      messageId: `identify-${userId}`,
      traits: { name: `用户${from + i}`, phone: `+86139${String(10_000_000 + from + i)}`, limit: 8000, registered_at: new Date(now - ((i % 40) + 1) * DAY).toISOString() },
    };
  });

describe('uplift over the holdout, a daily chart, and two template versions compared', () => {
  let journeyId = '';
  let firstVersion = 0;

  it('runs the Recall journey for a week; the people it reached log in more often than the holdout', async () => {
    const journey = (await app.trpc.journeys.list.query()).find((j) => j.blueprint === BLUEPRINT_1);
    if (!journey) throw new Error('the Recall blueprint was not seeded');
    journeyId = journey.id;
    firstVersion = (await app.trpc.templates.stats.query({ key: TEMPLATE })).current;
    await app.trpc.journeys.publish.mutate({ id: journeyId, enrolNow: true });
    const now = (await app.trpc.dev.now.query()).now;
    expect(await postBatch(app, signUps(0, CONTACTS, now))).toMatchObject({ accepted: CONTACTS });
    await app.trpc.dev.advanceClock.mutate({ ms: 10 * MINUTE });
    // some log in on their own, SMS or not: the holdout converts too, just less
    const everyone = signUps(0, CONTACTS, now).map((c) => c.userId);
    const logins = everyone.filter((_, i) => i % 9 === 0).map((userId) => ({ type: 'track', userId, event: 'app_login', messageId: `login-${userId}` }));
    expect(await postBatch(app, logins)).toMatchObject({ accepted: logins.length });
    await app.trpc.dev.advanceClock.mutate({ ms: 2 * DAY });
    // and a few draw a loan
    const loans = everyone.filter((_, i) => i % 13 === 0).map((userId) => ({ type: 'track', userId, event: 'loan_drawn', messageId: `loan-${userId}` }));
    expect(await postBatch(app, loans)).toMatchObject({ accepted: loans.length });
    await app.trpc.dev.advanceClock.mutate({ ms: 5 * DAY });
    // an admin set what a first loan is worth
    await app.trpc.analytics.setRoiSettings.mutate({ firstLoanValue: 3000, margin: 0.08 });
    const u = await app.trpc.analytics.holdoutUplift.query({ journeyId });
    expect(u.control).toBeGreaterThan(5);
    expect(u.treated + u.control).toBe(CONTACTS);
    expect(u.steps[0]?.treated.x).toBeGreaterThan(0);
  });

  it('ops sees the uplift with its interval on the holdout node', async () => {
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await waitForCanvas(page);
    await page.getByRole('group', { name: 'Numbers on the canvas' }).getByRole('button', { name: 'Numbers' }).click();
    const { draft } = await app.trpc.journeys.get.query({ id: journeyId });
    const split = draft.nodes.find((n) => n.id === 'holdout');
    await page.locator('.react-flow__node[data-id="holdout"] .jn__title').click();
    await expect.poll(() => page.locator('.react-flow__node[data-id="holdout"] .jn').getAttribute('class')).toContain('jn--selected');
    const funnel = page.getByRole('region', { name: `Funnel of ${split?.title ?? 'holdout'}` });
    const uplift = funnel.getByRole('region', { name: 'Uplift over holdout' });
    await uplift.waitFor();

    const api = await app.trpc.analytics.holdoutUplift.query({ journeyId, nodeId: 'holdout' });
    const rows = uplift.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(api.steps.length);
    for (const s of api.steps) {
      const row = uplift.locator(`tr[data-step="${s.event}"]`);
      expect(await row.getByRole('rowheader').textContent()).toBe(s.label);
      // the uplift and its 95% interval, as the API computed them
      expect(await row.getByTestId('interval').textContent()).toBe(`(${points(s.absolute.lo)} to ${points(s.absolute.hi)})`);
      expect(await row.locator('strong').textContent()).toBe(points(s.absolute.estimate));
      // an interval that cannot tell says so, with the sample each arm needs
      expect(await row.getByRole('note').count()).toBe(s.enoughData ? 0 : 1);
    }
    expect(await uplift.textContent()).toContain(`${api.treated.toLocaleString('en-US')} treated vs ${api.control.toLocaleString('en-US')} in the holdout`);
    await uplift.scrollIntoViewIfNeeded();
    await app.screenshot('uplift-1-holdout-node');
  });

  it('ops sees a daily chart, the journey-wide uplift and channel ROI in the summary', async () => {
    // clicking the empty canvas clears the selection: the summary comes back
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    const chart = page.getByRole('figure', { name: 'Daily chart' });
    await chart.waitFor();
    expect(await chart.locator('svg.recharts-surface').count()).toBeGreaterThan(0);
    const trends = await app.trpc.analytics.journeyTrends.query({ journeyId });
    const entered = trends.days.reduce((s, d) => s + d.entered, 0);
    expect(entered).toBe(CONTACTS);
    expect(await chart.locator('figcaption').textContent()).toContain(`(${trends.timezone}): ${entered.toLocaleString('en-US')} entered`);
    await page.getByRole('region', { name: 'Journey summary' }).getByRole('region', { name: 'Uplift over holdout' }).waitFor();
    const summary = await app.trpc.analytics.journeySummary.query({ journeyId });
    const sms = summary.byChannel.find((c) => c.channel === 'sms');
    if (!sms || sms.revenue === null || sms.roi === null) throw new Error('the SMS channel has no ROI');
    expect(sms.loans).toBeGreaterThan(0);
    const roi = page.getByRole('table', { name: 'By channel' }).locator('tr[data-channel="sms"]').getByTestId('roi');
    const yuan = (n: number) => `¥${n.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
    const signed = (x: number) => `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
    await expect.poll(() => roi.textContent()).toBe(`${(sms.loans ?? 0).toLocaleString('en-US')} · ${yuan(sms.revenue)} · ${signed(sms.roi)}`);
    await app.screenshot('uplift-2-summary-chart');
  });

  it('a copywriter compares two versions of the recall SMS', async () => {
    // a second version: variant B promoted, and a new wave of sign-ups gets it
    const promoted = await app.trpc.templates.promote.mutate({ key: TEMPLATE, variant: 'b' });
    if (!('version' in promoted)) throw new Error('approvals are off in this app');
    const now = (await app.trpc.dev.now.query()).now;
    expect(await postBatch(app, signUps(CONTACTS, 100, now))).toMatchObject({ accepted: 100 });
    await app.trpc.dev.advanceClock.mutate({ ms: DAY });
    const api = await app.trpc.templates.compareVersions.query({ key: TEMPLATE, a: firstVersion, b: promoted.version });
    expect(api.b.variants.reduce((n, v) => n + v.sent, 0)).toBeGreaterThan(0);

    const writer = await app.addUser(['copywriter']);
    await app.signInAs(writer);
    await page.goto(`${app.url}/templates/${TEMPLATE}`);
    const stats = page.getByRole('region', { name: 'Variant stats' });
    await stats.getByRole('table', { name: 'Variant results' }).waitFor();
    // the current version by default
    expect(await stats.getByRole('combobox', { name: 'Version' }).inputValue()).toBe(String(promoted.version));
    await stats.getByRole('combobox', { name: 'Compare with' }).selectOption(String(firstVersion));
    const compared = stats.getByRole('group', { name: `Version ${String(firstVersion)} against version ${String(promoted.version)}` });
    await compared.waitFor();
    for (const key of ['a', 'b']) {
      const cells = await compared.locator(`tr[data-variant="${key}"] td.num`).allTextContents();
      const sent = (t: typeof api.a) => (t.variants.find((v) => v.key === key)?.sent ?? 0).toLocaleString('en-US');
      expect(cells, `variant ${key}`).toEqual([sent(api.a), sent(api.b)]);
    }
    expect(await compared.textContent()).toContain(`Version ${String(promoted.version)} vs ${String(firstVersion)}, all variants: click rate`);
    // and which journeys send it
    await stats.getByRole('region', { name: 'Journeys using this template' }).getByRole('link', { name: 'Recall: registered, never logged in' }).waitFor();
    await compared.scrollIntoViewIfNeeded();
    await app.screenshot('uplift-3-template-versions');
  });
});
