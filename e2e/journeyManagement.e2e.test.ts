/**
 * Looking after journeys rather than drawing them, as an operator does it in
 * the browser: duplicate one and rename and re-describe the copy, look at an
 * old published version read-only and take it back as the draft, and find a
 * journey in the list by searching, by status, and among the archived ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { aGraph, smsThenCallGraph } from '../shared/fixtures/builders';
import { BLUEPRINT_1, startApp, waitForCanvas, type App } from './harness';

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp();
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});

const journeyRows = () =>
  page
    .getByRole('tabpanel')
    .getByRole('row')
    .filter({ has: page.getByRole('link') });
const rowNames = async () => (await journeyRows().getByRole('link').allTextContents()).map((s) => s.trim()).sort();

describe('journeys: duplicate, rename, versions, list', () => {
  it('duplicates a journey and renames and re-describes the copy; the original stays as it was', async () => {
    const original = (await app.trpc.journeys.list.query()).find((j) => j.blueprint === BLUEPRINT_1);
    if (!original) throw new Error('blueprint 1 was not seeded');
    await page.goto(`${app.url}/journeys/${encodeURIComponent(original.id)}`);
    await waitForCanvas(page);
    await page.getByRole('button', { name: 'Duplicate', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Copy of ${original.name}` }).waitFor();
    const copyId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(copyId).not.toBe(original.id);
    await waitForCanvas(page);
    expect(await page.locator('.react-flow__node').count()).toBe((await app.trpc.journeys.get.query({ id: original.id })).draft.nodes.length);

    await page.getByRole('button', { name: 'Rename or describe' }).click();
    const dialog = page.getByRole('dialog', { name: 'Name and description' });
    await dialog.getByLabel('Name').fill('Recall, second wave');
    await dialog.getByLabel('Description').fill('The recall flow again, for the March sign-ups.');
    await app.screenshot('journey-details-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 1, name: 'Recall, second wave' }).waitFor();
    await page.getByText('The recall flow again, for the March sign-ups.').waitFor();

    const copy = await app.trpc.journeys.get.query({ id: copyId });
    expect(copy).toMatchObject({ name: 'Recall, second wave', description: 'The recall flow again, for the March sign-ups.', status: 'draft', version: null });
    expect(copy.draft).toEqual((await app.trpc.journeys.get.query({ id: original.id })).draft);
    expect((await app.trpc.journeys.get.query({ id: original.id })).name).toBe(original.name);
  });

  it('views an old version read-only and restores it as the draft', async () => {
    const v1 = aGraph().node('entry', 'trigger.event', { event: 'signup' }, 'Signed up').node('done', 'exit', {}, 'Done').then('entry', 'done').build();
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Versioned' });
    await app.trpc.journeys.saveDraft.mutate({ id, graph: v1 });
    await app.trpc.journeys.publish.mutate({ id });
    await app.trpc.journeys.saveDraft.mutate({ id, graph: smsThenCallGraph() });
    await app.trpc.journeys.publish.mutate({ id });

    await page.goto(`${app.url}/journeys/${encodeURIComponent(id)}`);
    await waitForCanvas(page);
    await page.getByRole('tab', { name: /^Versions/ }).click();
    await page.getByRole('link', { name: 'View v1' }).click();
    await page.waitForURL(`**/journeys/${id}/versions/1`);
    await page.getByRole('heading', { level: 1, name: 'Versioned · v1' }).waitFor();
    await waitForCanvas(page);
    // v1 as published: two nodes, nothing to edit
    expect(await page.locator('.react-flow__node').count()).toBe(2);
    await page.getByRole('group', { name: 'Event entry: Signed up', exact: true }).waitFor();
    await page.getByText(/^Read-only: version 1 as it was published/).waitFor();
    expect(await page.getByRole('navigation', { name: 'Palette' }).getByRole('button', { name: 'Send message', exact: true }).isDisabled()).toBe(true);
    await app.screenshot('journey-version-1');

    await page.getByRole('button', { name: 'Restore as draft' }).click();
    await page.getByRole('alertdialog', { name: 'Restore version 1' }).getByRole('button', { name: 'Replace the draft' }).click();
    await page.waitForURL(`**/journeys/${id}`);
    await page.getByRole('status').filter({ hasText: 'The draft is now version 1 as it was published.' }).waitFor();
    await waitForCanvas(page);
    expect(await page.locator('.react-flow__node').count()).toBe(2);
    const j = await app.trpc.journeys.get.query({ id });
    expect(j.draft).toEqual(v1);
    // restoring is not publishing: v2 still runs
    expect(j).toMatchObject({ status: 'live', version: 2 });
  });

  it('searches the list, filters it by status, and keeps archived journeys apart', async () => {
    const all = await app.trpc.journeys.list.query();
    const repay = all.find((j) => j.blueprint === 'repayment_due');
    const recall = all.find((j) => j.blueprint === BLUEPRINT_1);
    if (!repay || !recall) throw new Error('blueprints were not seeded');
    await app.trpc.journeys.publish.mutate({ id: recall.id });
    const { id: oldId } = await app.trpc.journeys.create.mutate({ name: 'Old repayment reminder' });
    await app.trpc.journeys.archive.mutate({ id: oldId });

    await page.goto(`${app.url}/`);
    await page.getByRole('table', { name: 'Journeys' }).waitFor();
    const active = (await app.trpc.journeys.list.query()).filter((j) => j.status !== 'archived');
    expect(await rowNames()).toEqual(active.map((j) => j.name).sort());
    expect(await rowNames()).not.toContain('Old repayment reminder');
    await page.getByRole('tab', { name: `Archived 1` }).waitFor();

    await page.getByRole('searchbox', { name: 'Search journeys' }).fill('repayment');
    await expect.poll(rowNames).toEqual([repay.name]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('repayment');

    await page.getByRole('searchbox', { name: 'Search journeys' }).fill('');
    await page.getByLabel('Status').selectOption('live');
    await expect.poll(rowNames).toEqual(
      active
        .filter((j) => j.status === 'live' && j.error === null)
        .map((j) => j.name)
        .sort(),
    );
    expect(await rowNames()).toContain(recall.name);
    await app.screenshot('journeys-filtered-live');

    await page.getByRole('tab', { name: 'Archived 1' }).click();
    await page.getByRole('table', { name: 'Archived journeys' }).waitFor();
    expect(await rowNames()).toEqual(['Old repayment reminder']);
    // the view survives a reload (it is in the URL)
    await page.reload();
    await page.getByRole('table', { name: 'Archived journeys' }).waitFor();
    expect(await rowNames()).toEqual(['Old repayment reminder']);
    await page.getByRole('searchbox', { name: 'Search journeys' }).fill('recall');
    await page.getByText('No journey matches this search and filter.').waitFor();
    await app.screenshot('journeys-archived');
  });
});
