import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

describe('settings UI', () => {
  it('shows the write key an SDK authenticates with, and that key really ingests', async () => {
    const { page } = app;
    await page.goto(`${app.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const shown = (await page.getByLabel('Write key').textContent())?.trim() ?? '';
    expect(shown).toMatch(/^wk_[0-9a-f]{24}$/);

    const res = await fetch(`${app.url}/v1/identify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${shown}:`).toString('base64')}` },
      body: JSON.stringify({ userId: 'from-settings', traits: { name: 'Settings page' } }),
    });
    expect(res.status).toBe(200);
    expect((await app.trpc.contacts.get.query({ externalId: 'from-settings' })).traits).toMatchObject({ name: 'Settings page' });
  });

  it('lists the contact policy every journey obeys per channel, robo-calls included: caps and quiet hours', async () => {
    const { page } = app;
    await page.goto(`${app.url}/settings`);
    const policy = page.getByRole('region', { name: 'Contact policy' });
    const table = policy.getByRole('table', { name: 'Contact policy per channel' });
    await table.getByRole('row', { name: /^SMS/ }).getByText('at most 1 SMS per 1 day').waitFor();
    await table
      .getByRole('row', { name: /^All channels together/ })
      .getByText('at most 2 messages per 1 day')
      .waitFor();
    await table
      .getByRole('row', { name: /^Robo-call/ })
      .getByText('21:00–09:00')
      .waitFor();
    await app.screenshot('settings');
  });

  it('an admin adds a cap on robo-calls and sets the SMS price; the engine and the forecast get them', async () => {
    const { page } = app;
    await page.goto(`${app.url}/settings`);
    const policy = page.getByRole('region', { name: 'Contact policy' });
    await policy.getByRole('button', { name: 'Add a cap' }).click();
    const cap = policy
      .getByRole('group')
      .filter({ has: page.getByRole('combobox', { name: 'Channel' }) })
      .last();
    await cap.getByRole('combobox', { name: 'Channel' }).selectOption('voice');
    await cap.getByRole('spinbutton', { name: 'Window (hours)' }).fill('168');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await policy
      .getByRole('row', { name: /^Robo-call/ })
      .getByText('at most 1 Robo-call per 7 days')
      .waitFor();
    expect((await app.trpc.policy.get.query()).caps).toContainEqual({ channel: 'voice', max: 1, windowHours: 168 });

    const prices = page.getByRole('region', { name: 'Unit prices' });
    await prices.getByLabel('SMS').fill('0.05');
    await prices.getByRole('button', { name: 'Save prices' }).click();
    await expect.poll(async () => (await app.trpc.workspace.get.query()).unitPrices.sms).toBe(0.05);
    await app.screenshot('settings-policy-edited');
  });
});
