/**
 * The copywriter's defects from issue 17, each as a user meets it: a new
 * template's empty form, a Handlebars mistake in the preview, leaving with
 * unsaved edits, and a journey's message preview with its variables filled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { aGraph } from '../shared/fixtures/builders';
import { startApp, waitForCanvas, type App } from './harness';

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: Date.parse('2026-11-02T10:00:00+08:00') });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});

describe('template editor and previews, as a copywriter meets them', () => {
  it('a new template shows no problems and no raw errors before the first edit, then names the fields', async () => {
    await page.goto(`${app.url}/templates/new?channel=sms`);
    await page.getByRole('heading', { level: 1, name: 'New template' }).waitFor();
    const preview = page.getByRole('region', { name: 'Live preview' });
    await preview.getByText('The preview appears once the template has a key, a name and its copy.').waitFor();
    expect(await page.getByRole('list', { name: 'Problems with the template' }).count()).toBe(0);
    expect(await preview.getByRole('alert').count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain('"code"');

    await page.getByRole('region', { name: 'Template' }).getByRole('textbox', { name: 'Key', exact: true }).fill('Bad Key');
    const problems = page.getByRole('list', { name: 'Problems with the template' });
    await problems.waitFor();
    const items = await problems.getByRole('listitem').allTextContents();
    expect(items).toContain('Key: must be lower-case letters, digits or _, starting with a letter');
    expect(items.every((m) => !m.includes('variants.') && !m.includes('{'))).toBe(true);
  });

  it('asks before leaving with unsaved edits for another page of the app, and stays when told to', async () => {
    await page.getByRole('link', { name: 'Journeys', exact: true }).click();
    const ask = page.getByRole('alertdialog', { name: 'Unsaved changes' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Stay' }).click();
    expect(page.url()).toContain('/templates/new');
    expect(await page.getByRole('region', { name: 'Template' }).getByRole('textbox', { name: 'Key', exact: true }).inputValue()).toBe('Bad Key');
    await page.getByRole('link', { name: 'Journeys', exact: true }).click();
    await page.getByRole('alertdialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Leave without saving' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/templates'));
  });

  it('a Handlebars mistake in the copy shows the error alone, not "0 chars · 0 parts · ¥0"', async () => {
    await page.goto(`${app.url}/templates/recall_sms`);
    const variants = page.getByRole('region', { name: 'Variants' });
    await variants.getByLabel('Body of variant A in zh-CN', { exact: true }).fill('您好 {{#if name}} 回T退订');
    const card = page.getByRole('region', { name: 'Live preview' }).getByRole('article', { name: 'Preview of variant A in zh-CN' });
    await card.locator('.sf__errors').waitFor();
    const head = (await card.locator('header').textContent()) ?? '';
    expect(head).not.toMatch(/chars|part|per 10k/);
  });

  it("a journey's message preview fills the variables from the same sample contact as the template page", async () => {
    // leave the edited template without saving it
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'ping' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' }, 'Recall SMS')
      .node('done', 'exit', {})
      .then('entry', 'sms')
      .then('sms', 'done')
      .build();
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Preview check' });
    await app.trpc.journeys.saveDraft.mutate({ id, graph });
    await page.goto(`${app.url}/journeys/${encodeURIComponent(id)}`);
    const ask = page.getByRole('alertdialog', { name: 'Unsaved changes' });
    if (await ask.isVisible()) await ask.getByRole('button', { name: 'Leave without saving' }).click();
    await waitForCanvas(page);
    await page.locator('.react-flow__node[data-id="sms"]').click();
    const preview = page.getByRole('region', { name: 'Message preview' });
    await expect.poll(() => preview.locator('pre').first().textContent()).toContain('林晓');
    expect(await preview.locator('pre').first().textContent()).toContain('20,000');
  });
});
