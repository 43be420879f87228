/**
 * Publishing with foresight, as an operator lives it: at 09:00 they open the
 * publish dialog of blueprint 1 ("every day at 10:00"), read the forecast
 * (the segment, who would enter, who is already in the other recall journey,
 * who opted out of SMS, what it sends and costs at most, and that the first
 * entries are at 10:00), try "also enrol now" and leave it unticked; close
 * it to backtest the draft over the last two weeks and to send themselves a
 * test SMS from its SMS node; then publish. Nothing enters and nothing is
 * sent before 10:00 (but the test, to the test phone only); at 10:00 the
 * segment enrols and the SMS go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { BLUEPRINT_1, postBatch, startApp, waitForCanvas, type App } from './harness';
import { stepsOfOneStory } from './story';
import { aGraph } from '../shared/fixtures/builders';

/** Monday 2 Nov 2026, 09:00 in Shanghai (the workspace's zone): an hour before the blueprint's 10:00. */
const MONDAY_9AM_SHANGHAI = Date.parse('2026-11-02T09:00:00+08:00');
const TEN_AM = MONDAY_9AM_SHANGHAI + 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SIGNUPS = 30;
/** the operator's own phone, on the workspace's list of test contacts */
const TEST_PHONE = '+8613800000016';
/** Every SMS the sandbox provider delivered, by address. */
const smsDelivered = () => app.server.db.$client.prepare<[], { to: string }>(`select "to" from sandbox_deliveries where channel = 'sms' order by id`).all();

let app: App;
let page: Page;
let journeyId = '';
let dialog: Locator;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: MONDAY_9AM_SHANGHAI, seed: 16 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

const userIds = Array.from({ length: SIGNUPS }, (_, i) => `pub-${String(i + 1).padStart(2, '0')}`);
/** every fifth opted out of SMS; every fourth (from the second) was rejected and sits in the partner journey, of the same exclusion group */
const optedOut = userIds.filter((_, i) => i % 5 === 0);
const rejected = userIds.filter((_, i) => i % 4 === 1);

describe('publish: the forecast, then the schedule', () => {
  it('a world: 30 sign-ups of the last month, some opted out of SMS, some already in a live journey of the recall group', async () => {
    await postBatch(app, [
      ...userIds.map((userId, i) => ({
        type: 'identify',
        userId,
        messageId: `identify-${userId}`,
        traits: { name: `用户${i + 1}`, phone: `+86135${String(10_000_000 + i)}`, limit: 8000, registered_at: new Date(MONDAY_9AM_SHANGHAI - ((i % 28) + 1) * DAY).toISOString() },
      })),
      ...optedOut.map((userId) => ({ type: 'track', userId, event: 'unsubscribed', messageId: `unsub-${userId}`, properties: { channel: 'sms' } })),
    ]);
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Partner offer' });
    const partner = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' }, 'Rejected')
      .node('push', 'send', { channel: 'push', template: 'idle_push' }, 'Push')
      .node('wait', 'wait.duration', { amount: 3, unit: 'days' }, 'Wait 3 days')
      .node('done', 'exit', {}, 'Done')
      .then('entry', 'push')
      .then('push', 'wait')
      .then('wait', 'done')
      .settings({ exclusionGroup: 'recall' })
      .build();
    expect((await app.trpc.journeys.saveDraft.mutate({ id, graph: partner })).errors).toEqual([]);
    await app.trpc.journeys.publish.mutate({ id });
    await postBatch(
      app,
      rejected.map((userId) => ({ type: 'track', userId, event: 'credit_rejected', messageId: `rejected-${userId}` })),
    );
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    const blueprint = (await app.trpc.journeys.list.query()).find((j) => j.blueprint === BLUEPRINT_1);
    if (!blueprint) throw new Error('blueprint 1 was not seeded');
    journeyId = blueprint.id;
  });

  it('an operator opens the publish dialog and reads the forecast: first entries at 10:00, who enters, who is elsewhere or opted out, what it costs', async () => {
    await app.signInAs(await app.addUser(['operator'], 'olga'));
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    dialog = page.getByRole('dialog', { name: 'Publish version 1' });
    const forecast = dialog.getByRole('region', { name: 'Forecast' });
    await forecast.waitFor();
    // the same numbers the API counts
    const f = await app.trpc.journeys.forecast.query({ id: journeyId });
    expect(f.audience).toMatchObject({ count: SIGNUPS, exact: true, admitted: SIGNUPS - rejected.length, inOtherJourneys: rejected.length, exclusion: { group: 'recall', skipped: rejected.length } });
    expect(f.entry.firstAt).toBe(TEN_AM);
    await forecast.getByText(/^First entries at .*10:00 \(Asia\/Shanghai\); then every day at 10:00\.$/).waitFor();
    /** the figure beside a fact's name */
    const fact = (name: string) => forecast.locator(`dt:has-text("${name}") + dd`).first();
    expect(await fact('In segment registered_never_logged_in now').textContent()).toBe(`${SIGNUPS}`);
    expect(await fact('Would enter').textContent()).toBe(`${SIGNUPS - rejected.length}`);
    await forecast.getByRole('list', { name: 'Other journeys' }).getByText(`Partner offer: ${rejected.length}`).waitFor();
    await forecast.getByText(`${rejected.length} skipped: in another journey of the group now`).waitFor();
    const sms = forecast.getByRole('table', { name: 'Reach now by channel' }).getByRole('row', { name: /^SMS/ });
    expect((await sms.getByRole('cell').allTextContents())[0]).toBe(String(optedOut.length));
    await forecast.getByText(/^1 SMS, 1 Robo-call$/).waitFor();
    expect(f.messages.costTotal).toBeGreaterThan(0);
    await app.screenshot('publish-1-forecast');

    // "also enrol now" would enrol them at once; the operator looks, and leaves it
    const now = dialog.getByRole('checkbox', { name: /Also enrol now/ });
    expect(await now.isChecked()).toBe(false);
    await now.check();
    await forecast.getByText('First entries now; then every day at 10:00.').waitFor();
    await dialog.getByText(/enter as soon as it goes live/).waitFor();
    await now.uncheck();
    await forecast.getByText(/^First entries at .*10:00/).waitFor();
    await dialog.getByText(new RegExp(`Unticked, the ${SIGNUPS - rejected.length} contacts who would enter wait for .*10:00`)).waitFor();
  });

  it('closes the dialog and backtests the draft over the last two weeks: the sign-ups would have entered at 10:00', async () => {
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await waitForCanvas(page);
    const bar = page.getByRole('group', { name: 'Backtest' });
    // the server's clock, not the browser's, says which two weeks are past
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    await bar.getByLabel('To').fill(day(MONDAY_9AM_SHANGHAI));
    await bar.getByLabel('Backtest from').fill(day(MONDAY_9AM_SHANGHAI - 14 * DAY));
    await bar.getByRole('button', { name: 'Backtest', exact: true }).click();
    await bar.getByRole('button', { name: 'Backtest numbers' }).waitFor({ timeout: 60_000 });
    const latest = await app.trpc.backtests.latest.query({ journeyId });
    expect(latest).toMatchObject({ status: 'done', startedBy: 'olga' });
    expect(latest?.result?.draft.entered).toBeGreaterThan(0);
    await app.screenshot('publish-2-backtest');
  });

  it('sends a test SMS from the SMS node to their own phone: the sandbox gets it, addressed to the test phone only', async () => {
    await app.trpc.testing.addContact.mutate({ name: 'Olga', phone: TEST_PHONE });
    await page.locator('.react-flow__node[data-id="sms_1"]').click();
    await page.getByRole('button', { name: 'Send test…' }).click();
    const test = page.getByRole('dialog', { name: 'Send a test SMS' });
    await test.getByLabel('Fill with the traits of', { exact: true }).fill('pub-02');
    await test
      .getByRole('list', { name: 'Fill with the traits of: matches' })
      .getByRole('button', { name: /^pub-02/ })
      .click();
    await test.getByLabel('Send to (test contact)').selectOption({ label: `Olga · ${TEST_PHONE}` });
    await test.getByRole('button', { name: 'Send test', exact: true }).click();
    await test
      .getByRole('status')
      .getByText(/^Test 1 (delivered|sent) to /)
      .waitFor();
    await test.getByRole('button', { name: 'Close' }).click();
    // (the partner journey's pushes are there too: it is live)
    expect(smsDelivered()).toEqual([{ to: TEST_PHONE }]);
  });

  it('publishes with the schedule: nothing enters or is sent before 10:00, and at 10:00 the segment enrols and the SMS go', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    dialog = page.getByRole('dialog', { name: 'Publish version 1' });
    await dialog
      .getByRole('region', { name: 'Forecast' })
      .getByText(/^First entries at .*10:00/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Publish v1' }).click();
    const done = page.getByRole('dialog', { name: 'Published version 1' });
    await done
      .getByRole('status')
      .getByText(/New contacts enter v1 from .*10:00/)
      .waitFor();
    await app.screenshot('publish-3-published');
    await done.getByRole('button', { name: 'Close' }).click();
    const j = await app.trpc.journeys.get.query({ id: journeyId });
    expect(j).toMatchObject({ status: 'live', version: 1 });

    // 09:59: nobody has entered, nothing is queued
    await app.trpc.dev.advanceClock.mutate({ ms: 59 * MINUTE });
    expect((await app.trpc.dev.now.query()).now).toBe(TEN_AM - MINUTE);
    expect(await app.trpc.channels.outbox.query({ journeyId })).toEqual([]);
    expect((await app.trpc.analytics.journeyOverlay.query({ journeyId })).nodes.entry?.entered ?? 0).toBe(0);
    // the SMS provider got nothing but the test, at the test phone
    expect(smsDelivered()).toEqual([{ to: TEST_PHONE }]);

    // 10:00: the schedule's time
    await app.trpc.dev.advanceClock.mutate({ ms: 2 * MINUTE });
    const overlay = await app.trpc.analytics.journeyOverlay.query({ journeyId });
    expect(overlay.nodes.entry?.entered).toBe(SIGNUPS - rejected.length);
    const outbox = await app.trpc.channels.outbox.query({ journeyId });
    expect(outbox.length).toBeGreaterThan(0);
    expect(Math.min(...outbox.map((m) => m.createdAt))).toBeGreaterThanOrEqual(TEN_AM);
    expect(outbox.filter((m) => m.channel === 'sms' && (m.status === 'sent' || m.status === 'delivered')).length).toBeGreaterThan(0);
    // nobody in the partner journey entered (same group), nobody opted out got an SMS
    expect(outbox.filter((m) => rejected.includes(m.externalId ?? ''))).toEqual([]);
    expect(outbox.filter((m) => optedOut.includes(m.externalId ?? '')).every((m) => m.status === 'suppressed')).toBe(true);
  });
});
