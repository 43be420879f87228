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

  it('lists the contact policy every journey obeys: caps and quiet hours', async () => {
    const { page } = app;
    await page.goto(`${app.url}/settings`);
    const policy = page.getByRole('region', { name: 'Contact policy' });
    await policy.getByText('at most 1 SMS per 1 day').waitFor();
    await policy.getByText('at most 2 messages per 1 day').waitFor();
    await policy.getByText(/no SMS or Robo-call from 21:00 to 09:00/).waitFor();
    await app.screenshot('settings');
  });
});
