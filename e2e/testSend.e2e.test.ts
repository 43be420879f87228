/**
 * Trying a journey on one person before it goes live: an operator adds their
 * own phone as a test contact in Settings, opens blueprint 1's draft, and on
 * its SMS node sends variant B, filled with a real contact's traits, to that
 * phone. The sandbox SMS provider receives exactly one message, addressed to
 * the test phone and none to the real contact; the outbox and the numbers
 * have nothing; the outbox page lists it apart as a test. Then they trace the
 * real contact through the draft and read where it would take them and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { BLUEPRINT_1, postBatch, startApp, waitForCanvas, type App } from './harness';
import { stepsOfOneStory } from './story';

/** Monday 2 Nov 2026, 11:00 in Shanghai (the workspace's zone): outside quiet hours. */
const MONDAY_11AM_SHANGHAI = Date.parse('2026-11-02T11:00:00+08:00');
const DAY = 86_400_000;
const REAL_PHONE = '+8613500000001';
const TEST_PHONE = '+8613800000009';

let app: App;
let page: Page;
let journeyId = '';
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: MONDAY_11AM_SHANGHAI, seed: 1618 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

/** What the sandbox provider "delivered", per address. */
const deliveriesTo = (to: string) => app.server.db.$client.prepare<[string], { body: string }>('select body from sandbox_deliveries where "to" = ?').all(to);

/** Choose a contact in a picker: type the start of the user id, press the match. */
async function pick(dialog: Locator, label: string, externalId: string): Promise<void> {
  await dialog.getByLabel(label, { exact: true }).fill(externalId);
  await dialog
    .getByRole('list', { name: `${label}: matches` })
    .getByRole('button', { name: new RegExp(`^${externalId}`) })
    .click();
  await dialog.getByLabel(`${label}: chosen`).getByText(externalId).waitFor();
}

describe('test sends and a trace of one contact', () => {
  it('a world: a real contact who signed up last week and has not logged in', async () => {
    await postBatch(app, [
      {
        type: 'identify',
        userId: 'wang-fang',
        messageId: 'identify-wang-fang',
        traits: { name: '王芳', phone: REAL_PHONE, limit: 8000, daily_rate: 0.3, registered_at: new Date(MONDAY_11AM_SHANGHAI - 7 * DAY).toISOString() },
      },
    ]);
    const j = (await app.trpc.journeys.list.query()).find((x) => x.blueprint === BLUEPRINT_1);
    if (!j) throw new Error('blueprint 1 was not seeded');
    expect(j.status).toBe('draft');
    journeyId = j.id;
  });

  it('an operator adds their phone as a test contact in Settings (spelt as they type it, stored as contacts’ phones are)', async () => {
    // an operator who also reads the outbox (analyst): the test sends are listed there
    await app.signInAs(await app.addUser(['operator', 'analyst'], 'olga'));
    await page.goto(`${app.url}/settings`);
    const section = page.getByRole('region', { name: 'Test contacts' });
    await section.getByText('No test contacts yet.').waitFor();
    const form = section.getByRole('form', { name: 'Add a test contact' });
    // a typo first: the server says what is wrong
    await form.getByLabel('Name').fill('Olga (test phone)');
    await form.getByLabel('Phone').fill('138-abc');
    await form.getByRole('button', { name: 'Add test contact' }).click();
    await section
      .getByRole('alert')
      .getByText(/the phone number is not one/)
      .waitFor();
    await form.getByLabel('Phone').fill('+86 138-0000-0009');
    await form.getByRole('button', { name: 'Add test contact' }).click();
    const row = section.getByRole('table', { name: 'Test contacts' }).getByRole('row', { name: /Olga \(test phone\)/ });
    await row.getByRole('cell', { name: TEST_PHONE, exact: true }).waitFor();
    expect(await app.trpc.testing.contacts.query()).toMatchObject([{ name: 'Olga (test phone)', phone: TEST_PHONE, createdBy: 'olga' }]);
    await app.screenshot('test-send-1-settings');
  });

  it('sends a test SMS from the draft’s SMS node: variant B with the real contact’s traits, to the test phone only', async () => {
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await waitForCanvas(page);
    await page.locator('.react-flow__node[data-id="sms_1"]').click();
    await page.getByRole('button', { name: 'Send test…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send a test SMS' });
    await dialog.getByLabel('Variant').selectOption('b');
    await pick(dialog, 'Fill with the traits of', 'wang-fang');
    await dialog.getByLabel('Send to (test contact)').selectOption({ label: `Olga (test phone) · ${TEST_PHONE}` });
    await dialog.getByRole('button', { name: 'Send test', exact: true }).click();
    const result = dialog.getByRole('status');
    await result.getByText(new RegExp(`^Test 1 (delivered|sent) to \\${TEST_PHONE} \\(sandbox:sms\\)`)).waitFor();
    await app.screenshot('test-send-2-sent');

    // the sandbox SMS provider received exactly one message, to the test phone; the real contact none
    const toTester = deliveriesTo(TEST_PHONE);
    expect(toTester).toHaveLength(1);
    expect(toTester[0]?.body).toContain('首笔5000元30天免息');
    expect(deliveriesTo(REAL_PHONE)).toEqual([]);
    // a test everywhere: not in the outbox or the numbers, in the test sends, and the audit log names who sent it
    expect(await app.trpc.channels.outbox.query({})).toEqual([]);
    expect((await app.trpc.analytics.journeyOverlay.query({ journeyId })).nodes.sms_1?.entered ?? 0).toBe(0);
    expect(await app.trpc.testing.sends.query({ journeyId })).toMatchObject([{ id: 1, to: TEST_PHONE, contactExternalId: 'wang-fang', variant: 'b', sentBy: 'olga' }]);
    const audit = await app.trpc.audit.list.query({ action: 'testing.send' });
    expect(audit.rows.map((e) => e.actor?.login)).toEqual(['olga']);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // the outbox page lists it apart, as a test
    await page.goto(`${app.url}/outbox`);
    const tests = page.getByRole('table', { name: 'Test sends' });
    await tests.getByRole('row', { name: new RegExp(`\\${TEST_PHONE} test wang-fang SMS`) }).waitFor();
  });

  it('traces the real contact through the draft and reads the steps: the segment, the split, the SMS and the policy, the wait', async () => {
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await waitForCanvas(page);
    await page.getByRole('group', { name: 'Backtest' }).getByRole('button', { name: 'Trace one contact…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trace one contact' });
    await pick(dialog, 'Contact', 'wang-fang');
    // the start: the server's now, as the browser's local time
    const local = await page.evaluate((t) => {
      const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 16);
    }, MONDAY_11AM_SHANGHAI);
    await dialog.getByLabel('Enters at (your local time)').fill(local);
    await dialog.getByRole('button', { name: 'Trace', exact: true }).click();
    const steps = dialog.getByRole('list', { name: 'Trace steps' });
    await steps.waitFor();
    const lines = (await steps.locator(':scope > li').allTextContents()).join('\n');
    expect(lines).toContain('in segment registered_never_logged_in then');
    expect(lines).toMatch(/registered 0–90 days ago: saw 7 days ago → yes/);
    const trace = await app.trpc.testing.trace.query({ journeyId, externalId: 'wang-fang', from: MONDAY_11AM_SHANGHAI });
    const inHoldout = trace.steps.some((s) => s.kind === 'split');
    if (inHoldout) expect(lines).toContain('In the holdout');
    else {
      expect(lines).toContain('Recall SMS (A/B): Sent: SMS recall_sms (marketing)');
      // the client words the line from its data (issue 18), times as the steps' own column shows them
      expect(lines).toMatch(/Waits for app_login, at most until Thu, Nov 5, 11:00/);
      expect(lines).toContain('Robo-call: Sent: Robo-call recall_call');
    }
    expect(await steps.locator(':scope > li').count()).toBe(trace.steps.length);
    await app.screenshot('test-send-3-trace');
    // and nothing was written: still no runs and no outbox
    expect(await app.trpc.channels.outbox.query({})).toEqual([]);
    expect(app.server.db.$client.prepare('select count(*) n from runs').get()).toEqual({ n: 0 });
  });
});
