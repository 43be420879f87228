/**
 * The canvas defects an operator met trying the editor as a new user would,
 * fixed and walked through in a real browser: wiring a port with the keyboard
 * alone, a wired port refusing a second edge out loud, pressing a palette
 * kind after a selected node, deleting and undoing as one step each, typing
 * a title as one undo step, and tidy-up keeping a wait's event branch left
 * of its timeout branch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { aGraph } from '../shared/fixtures/builders';
import type { JourneyGraph } from '../shared/journey/graph';
import { startApp, waitForCanvas, type App } from './harness';

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp();
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});

/** entry → "Logged in?" (wait for event), whose event port leads to "Done" and whose timeout port is free; "Robo-call" stands apart. */
const halfWired = (): JourneyGraph =>
  aGraph()
    .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in' }, 'Registered')
    .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } }, 'Logged in?')
    .node('call', 'send', { channel: 'voice', template: 'recall_call' }, 'Robo-call')
    .node('done', 'exit', {}, 'Done')
    .then('entry', 'wait')
    .then('wait', 'done', 'event')
    .build();

async function open(graph: JourneyGraph, name: string): Promise<string> {
  const { id } = await app.trpc.journeys.create.mutate({ name });
  await app.trpc.journeys.saveDraft.mutate({ id, graph });
  await page.goto(`${app.url}/journeys/${encodeURIComponent(id)}`);
  await waitForCanvas(page);
  return id;
}

/** A node as a keyboard or screen-reader user meets it: the focusable element named "<kind>: <title>". */
const nodeNamed = (name: string): Locator => page.getByRole('group', { name, exact: true });
const edgeCount = () => page.locator('.react-flow__edge').count();
/** The draft as autosave stored it. */
const saved = async (id: string) => (await app.trpc.journeys.get.query({ id })).draft;
const box = async (l: Locator) => {
  const b = await l.boundingBox();
  if (!b) throw new Error(`${String(l)} is not on screen`);
  return b;
};

/** Press Tab until the focused element is the node with this name (at most `limit` presses). */
async function tabTo(name: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('canvas: keyboard, refusals, placement and undo', () => {
  it('wires a free port with the keyboard alone: Tab to the node, Enter, C, choose, Connect', async () => {
    const id = await open(halfWired(), 'Keyboard wiring');
    const before = await edgeCount();
    await tabTo('Wait for event: Logged in?');
    await page.keyboard.press('Enter');
    await expect.poll(() => nodeNamed('Wait for event: Logged in?').locator('.jn').getAttribute('class')).toContain('jn--selected');
    await page.keyboard.press('c');
    const dialog = page.getByRole('dialog', { name: 'Connect “Logged in?”' });
    await dialog.waitFor();
    // the first free port is offered first; the wired one says where it leads
    const from = dialog.getByLabel('From port');
    expect(await from.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe('timeout (not connected)');
    expect(await from.locator('option').allTextContents()).toEqual(['event → Done', 'timeout (not connected)']);
    expect(await page.evaluate(() => document.activeElement?.closest('label')?.textContent)).toContain('From port');
    await page.keyboard.press('Tab');
    await dialog.getByLabel('To node').selectOption({ label: 'Send message: Robo-call' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Connect');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Connected the "timeout" port of "Logged in?" to "Robo-call".' }).waitFor();
    await expect.poll(edgeCount).toBe(before + 1);
    // focus is back on the node, and autosave stored the edge
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Wait for event: Logged in?');
    await expect.poll(async () => (await saved(id)).edges.some((e) => e.source === 'wait' && e.sourcePort === 'timeout' && e.target === 'call')).toBe(true);
    await app.screenshot('canvas-keyboard-connected');
  });

  it('a wired port refuses a second edge, by keyboard and by mouse, and says why', async () => {
    await open(halfWired(), 'One edge per port');
    const before = await edgeCount();
    // the keyboard dialog: choosing the wired event port for another node is refused in words, Connect stays off
    await nodeNamed('Wait for event: Logged in?').locator('.jn__title').click();
    await page.keyboard.press('c');
    const dialog = page.getByRole('dialog', { name: 'Connect “Logged in?”' });
    await dialog.getByLabel('From port').selectOption('event');
    await dialog.getByLabel('To node').selectOption({ label: 'Send message: Robo-call' });
    await dialog.getByRole('alert').filter({ hasText: 'already leads to "Done": an output port holds one edge' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Connect', exact: true }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // the mouse: drag from the wired event port onto the robo-call; nothing is replaced, the canvas says why
    const from = await box(page.getByLabel('Logged in?: event port', { exact: true }));
    const to = await box(page.getByLabel('Into Robo-call', { exact: true }));
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2 - 20, { steps: 8 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.getByRole('alert').filter({ hasText: 'The "event" port of "Logged in?" already leads to "Done"' }).waitFor();
    expect(await edgeCount()).toBe(before);
    await app.screenshot('canvas-port-refused');
  });

  it('pressing a palette kind after a selected node places it below and wires it from the first free port', async () => {
    const id = await open(halfWired(), 'Palette after a node');
    const before = await edgeCount();
    const wait = nodeNamed('Wait for event: Logged in?');
    await wait.locator('.jn__title').click();
    await page.getByRole('navigation', { name: 'Palette' }).getByRole('button', { name: 'Set trait', exact: true }).click();
    const added = nodeNamed('Set trait: Set trait');
    await added.waitFor();
    await expect.poll(edgeCount).toBe(before + 1);
    const w = await box(wait);
    const a = await box(added);
    // below the wait, and clear of every other node
    expect(a.y).toBeGreaterThan(w.y + w.height);
    for (const other of await page.locator('.react-flow__node').all()) {
      if ((await other.getAttribute('data-id')) === (await added.getAttribute('data-id'))) continue;
      const o = await box(other);
      expect(a.x < o.x + o.width && o.x < a.x + a.width && a.y < o.y + o.height && o.y < a.y + a.height).toBe(false);
    }
    await expect.poll(async () => (await saved(id)).edges.some((e) => e.source === 'wait' && e.sourcePort === 'timeout')).toBe(true);
    await app.screenshot('canvas-palette-placed');
  });

  it('deleting a node with its edges is one undo step; a typed title is one more', async () => {
    await open(halfWired(), 'Undo steps');
    const edges = await edgeCount();
    await nodeNamed('Wait for event: Logged in?').locator('.jn__title').click();
    await page.keyboard.press('Delete');
    await nodeNamed('Wait for event: Logged in?').waitFor({ state: 'detached' });
    await expect.poll(edgeCount).toBe(edges - 2);
    await page.keyboard.press('Control+z');
    await nodeNamed('Wait for event: Logged in?').waitFor();
    await expect.poll(edgeCount).toBe(edges);

    // a title typed key by key, then left: one step back restores the old title whole
    await nodeNamed('Send message: Robo-call').locator('.jn__title').click();
    const title = page.getByRole('region', { name: 'Inspector: Send message' }).getByLabel('Title', { exact: true });
    await title.selectText();
    await title.pressSequentially('Voice call', { delay: 20 });
    await nodeNamed('Send message: Voice call').waitFor();
    await title.blur();
    await page.getByRole('button', { name: 'Undo' }).click();
    await nodeNamed('Send message: Robo-call').waitFor();
    // that was the only step the typing made: nothing is left to undo (the deletion was undone before it)
    expect(await page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);
  });

  it('tidy up keeps the event branch left of the timeout branch, whatever order they were wired in', async () => {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'signup' }, 'Signed up')
      .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } }, 'Logged in?')
      .node('call', 'send', { channel: 'voice', template: 'recall_call' }, 'Robo-call')
      .node('thanks', 'exit', {}, 'Welcome')
      .then('entry', 'wait')
      .then('wait', 'call', 'timeout')
      .then('wait', 'thanks', 'event')
      .build();
    await open(graph, 'Tidy up');
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect.poll(async () => (await box(nodeNamed('Exit: Welcome'))).x < (await box(nodeNamed('Send message: Robo-call'))).x).toBe(true);
    const event = await box(page.getByLabel('Logged in?: event port', { exact: true }));
    const timeout = await box(page.getByLabel('Logged in?: timeout port', { exact: true }));
    expect(event.x).toBeLessThan(timeout.x);
    await app.screenshot('canvas-tidied');
  });
});
