import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsThenCallGraph } from '../shared/fixtures/builders';
import { BLUEPRINT_1, startApp, waitForCanvas, type App } from './harness';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

describe('journeys UI', () => {
  it('lists the six seeded blueprint journeys by name', async () => {
    const { page } = app;
    const blueprints = await app.trpc.journeys.blueprints.query();
    expect(blueprints).toHaveLength(6);
    await page.goto(`${app.url}/`);
    const table = page.getByRole('table', { name: 'Journeys' });
    for (const b of blueprints) await table.getByRole('link', { name: b.name, exact: true }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(6);
    await app.screenshot('journeys-list');
  });

  it('draws blueprint 1 on the canvas: its nodes by role and name, and its edge labels', async () => {
    const { page } = app;
    const first = (await app.trpc.journeys.blueprints.query()).find((b) => b.key === BLUEPRINT_1);
    const journey = (await app.trpc.journeys.list.query()).find((j) => j.blueprint === first?.key);
    if (!first || !journey) throw new Error('blueprint 1 was not seeded');
    const detail = await app.trpc.journeys.get.query({ id: journey.id });

    await page.goto(`${app.url}/`);
    await page.getByRole('link', { name: first.name, exact: true }).click();
    await page.waitForURL(`**/journeys/${journey.id}`);
    await page.getByRole('heading', { level: 1, name: journey.name }).waitFor();
    await waitForCanvas(page);

    const nodes = page.getByRole('group', { name: /^[^:]+: .+/ });
    expect(await nodes.count()).toBe(detail.draft.nodes.length);
    await page
      .getByRole('group', { name: /^Send message: / })
      .first()
      .waitFor({ state: 'visible' });
    await page
      .locator('.je__label', { hasText: /^timeout$/ })
      .first()
      .waitFor({ state: 'visible' });
    // the editor around the canvas: the palette, the toolbar and the sidebar's tabs
    await page.getByRole('navigation', { name: 'Palette' }).getByRole('button', { name: 'Segment entry', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Auto-layout' }).waitFor();
    await page.getByRole('tab', { name: /^Inspector/ }).waitFor();
    // compile problems live in their own tab; a seeded blueprint has none
    await page.getByRole('tab', { name: /^Problems/ }).click();
    await page
      .getByRole('tabpanel', { name: /^Problems/ })
      .getByText(/No problems/)
      .waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved/ })
      .waitFor();
    await app.screenshot('blueprint-1-canvas');
  });

  it('draws every seeded journey completely (no node or edge dropped)', async () => {
    const { page } = app;
    for (const j of (await app.trpc.journeys.list.query()).filter((x) => x.blueprint)) {
      const { draft } = await app.trpc.journeys.get.query({ id: j.id });
      await page.goto(`${app.url}/journeys/${encodeURIComponent(j.id)}`);
      await waitForCanvas(page);
      // every node drawn and named ("Kind: title"); an edge's name quotes its nodes' names, so nodes are counted as nodes
      const nodes = page.locator('.react-flow__node');
      expect(await nodes.count(), j.name).toBe(draft.nodes.length);
      expect(await nodes.evaluateAll((els) => els.filter((el) => /^[^:]+: .+/.test(el.getAttribute('aria-label') ?? '')).length), j.name).toBe(draft.nodes.length);
      expect(await page.locator('.react-flow__edge').count(), j.name).toBe(draft.edges.length);
    }
  });

  it('creates a blank journey from the UI and shows why it cannot be published', async () => {
    const { page } = app;
    await page.goto(`${app.url}/`);
    await page.getByRole('button', { name: 'New journey' }).click();
    const dialog = page.getByRole('dialog', { name: 'New journey' });
    await dialog.getByLabel('Name (optional)').fill('Win-back, blank');
    await dialog.getByRole('button', { name: /Blank journey/ }).click();
    await page.waitForURL('**/journeys/*');
    await page.getByRole('heading', { level: 1, name: 'Win-back, blank' }).waitFor();

    // the empty canvas says how to start; the header counts the problems and opens their tab
    await page.getByText(/This journey is empty/).waitFor();
    await page.getByRole('button', { name: /^\d+ problems?$/ }).click();
    expect(await page.getByRole('tab', { name: /^Problems/ }).getAttribute('aria-selected')).toBe('true');
    const problems = page.getByRole('tabpanel', { name: /^Problems/ }).getByRole('list', { name: 'Problems' });
    await problems.getByText(/^Add an entry/).waitFor();
    await app.screenshot('blank-journey');

    // publishing is refused while problems remain: the dialog lists them and its button stays disabled
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const publish = page.getByRole('dialog', { name: 'Publish version 1' });
    await publish
      .getByRole('alert')
      .getByText(/Add an entry/)
      .waitFor();
    expect(await publish.getByRole('button', { name: 'Publish v1' }).isDisabled()).toBe(true);
    await app.screenshot('blank-journey-publish-refused');
    await publish.getByRole('button', { name: 'Cancel' }).click();
    await publish.waitFor({ state: 'hidden' });
    expect((await app.trpc.journeys.list.query()).find((j) => j.name === 'Win-back, blank')?.version ?? null).toBeNull();

    await page.getByRole('link', { name: 'Back to journeys' }).click();
    await page.getByRole('table', { name: 'Journeys' }).getByRole('link', { name: 'Win-back, blank', exact: true }).waitFor();
  });
});

describe('problems on the canvas', () => {
  it('badges the node a compile error names, and the problem list focuses it', async () => {
    const { page } = app;
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Missing timeout' });
    const graph = smsThenCallGraph();
    graph.edges = graph.edges.filter((e) => e.sourcePort !== 'timeout');
    const { errors } = await app.trpc.journeys.saveDraft.mutate({ id, graph });
    const waitErrors = errors.filter((e) => e.nodeId === 'wait');
    expect(waitErrors.map((e) => e.code)).toEqual(['unwired_port']);

    await page.goto(`${app.url}/journeys/${encodeURIComponent(id)}`);
    await waitForCanvas(page);
    const waitNode = page.getByRole('group', { name: /^Wait for event: / });
    await waitNode.getByLabel('1 problem', { exact: true }).waitFor();
    // the name is on React Flow's focusable wrapper; the drawn node inside carries the state
    expect(await waitNode.locator('.jn').getAttribute('class')).toContain('jn--error');

    expect(await waitNode.locator('.jn').getAttribute('aria-invalid')).toBe('true');
    await waitNode.getByLabel(/: timeout port \(not connected\)$/).waitFor();

    await page.getByRole('tab', { name: /^Problems/ }).click();
    await page
      .getByRole('list', { name: 'Problems' })
      .getByRole('button', { name: /timeout" port/ })
      .click();
    await page.waitForFunction(() => document.querySelector('.jn--selected')?.closest('.react-flow__node')?.getAttribute('aria-label')?.startsWith('Wait for event: '));
    // choosing the problem opens the node's form in the inspector
    await page.getByRole('region', { name: 'Inspector: Wait for event' }).waitFor();
    await app.screenshot('problem-focused');
  });
});

describe('archiving', () => {
  it('saves the last edit before archiving: an archived draft can no longer be saved, so nothing may be pending', async () => {
    const { page } = app;
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Archived right after an edit' });
    await app.trpc.journeys.saveDraft.mutate({ id, graph: smsThenCallGraph() });
    await page.goto(`${app.url}/journeys/${encodeURIComponent(id)}`);
    await waitForCanvas(page);
    await page.getByRole('group', { name: /^Exit: / }).click();
    await page.keyboard.press('Delete');
    await page.getByRole('group', { name: /^Exit: / }).waitFor({ state: 'detached' });
    // archive at once, well inside the autosave's quiet time
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByText(/^Archived: this journey no longer runs/).waitFor();
    const j = await app.trpc.journeys.get.query({ id });
    expect(j.status).toBe('archived');
    expect(j.draft.nodes.map((n) => n.kind)).not.toContain('exit');
    expect(j.draft.nodes).toHaveLength(smsThenCallGraph().nodes.length - 1);
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved/ })
      .waitFor();
  });
});
