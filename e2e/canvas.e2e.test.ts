/**
 * The canvas editor end to end, as an operator lives it: build the recall
 * journey on a blank canvas with the mouse (drag kinds from the palette, wire
 * ports handle to handle), fix what the Problems tab names, configure it in
 * the inspector, publish through the dialog, then watch the Outbox as contacts
 * arrive through the Segment-compatible API and the (fake) clock moves:
 * the SMS goes to everyone at once, the robo-call three days later only to
 * those who did not log in meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startApp, type App } from './harness';
import { stepsOfOneStory } from './story';

/** Monday 2 Nov 2026, 10:00 in Shanghai (the workspace's zone): inside sending hours. */
const MONDAY_10AM_SHANGHAI = Date.parse('2026-11-02T10:00:00+08:00');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CONTACTS = 40;

/** The Outbox page's "Queued" column, in the workspace's zone (Shanghai) as the English UI writes it: `Nov 2, 2026, 10:00 AM`. */
const queuedText = (ms: number) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(ms);

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: MONDAY_10AM_SHANGHAI });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

/** Drag a kind from the palette onto the canvas (HTML5 drag and drop), at a point of the canvas (px from its top left). */
async function dropFromPalette(label: string, at: { x: number; y: number }): Promise<void> {
  const before = await page.getByRole('group', { name: new RegExp(`^${label}: `) }).count();
  await page.getByRole('navigation', { name: 'Palette' }).getByRole('button', { name: label, exact: true }).dragTo(page.locator('.canvas'), { targetPosition: at });
  await expect.poll(() => page.getByRole('group', { name: new RegExp(`^${label}: `) }).count()).toBe(before + 1);
}

/** Name the node just dropped (it is the selection, so the inspector shows its form). */
async function title(kindLabel: string, text: string): Promise<Locator> {
  await page
    .getByRole('region', { name: `Inspector: ${kindLabel}` })
    .getByLabel('Title', { exact: true })
    .fill(text);
  const node = page.getByRole('group', { name: `${kindLabel}: ${text}`, exact: true });
  await node.waitFor();
  return node;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const centre = async (l: Locator) => {
  const b = await l.boundingBox();
  if (!b) throw new Error(`${String(l)} is not on screen`);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};

/** Wire a port to a node the way an operator does: press on the source handle, drag to the target handle, release. */
async function wire(sourceHandle: string, targetTitle: string): Promise<void> {
  const edges = await page.locator('.react-flow__edge').count();
  // an unwired port's handle says so: "<title>: <port> port (not connected)"
  const from = await centre(page.getByLabel(new RegExp(`^${escape(sourceHandle)}( \\(not connected\\))?$`)));
  const to = await centre(page.getByLabel(`Into ${targetTitle}`, { exact: true }));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => page.locator('.react-flow__edge').count(), { message: `${sourceHandle} → ${targetTitle}` }).toBe(edges + 1);
}

/** Select a node by clicking its title, and return its inspector (the sidebar stays on Problems while that tab is open). */
async function inspect(node: Locator, kindLabel: string): Promise<Locator> {
  await node.locator('.jn__title').click();
  // the name is on React Flow's focusable wrapper; the drawn node inside carries the state
  await expect.poll(() => node.locator('.jn').getAttribute('class')).toContain('jn--selected');
  const tab = page.getByRole('tab', { name: 'Inspector' });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  const inspector = page.getByRole('region', { name: `Inspector: ${kindLabel}` });
  await inspector.waitFor();
  return inspector;
}

async function basicAuth(): Promise<string> {
  const { writeKey } = await app.trpc.workspace.get.query();
  return `Basic ${Buffer.from(`${writeKey ?? ''}:`).toString('base64')}`;
}

async function postBatch(batch: unknown[]): Promise<void> {
  const res = await fetch(`${app.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: await basicAuth() }, body: JSON.stringify({ batch }) });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** What the Outbox table shows: one entry per row. */
async function outboxRows(): Promise<{ channel: string; contact: string; template: string; queued: string; channelText: string }[]> {
  return page
    .getByRole('table', { name: 'Outbox' })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => ({
        channel: r.getAttribute('data-channel') ?? '',
        contact: r.getAttribute('data-contact') ?? '',
        queued: r.children[0]?.textContent?.trim() ?? '',
        channelText: r.children[2]?.textContent?.trim() ?? '',
        template: r.children[3]?.querySelector('code')?.textContent?.trim() ?? '',
      })),
    );
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('canvas: build the recall journey by hand, publish it, watch it send', () => {
  let journeyId = '';
  const userIds = Array.from({ length: CONTACTS }, (_, i) => `recall-${String(i + 1).padStart(2, '0')}`);

  it('starts from a blank journey', async () => {
    await page.goto(`${app.url}/`);
    await page.getByRole('button', { name: 'New journey' }).click();
    const dialog = page.getByRole('dialog', { name: 'New journey' });
    await dialog.getByLabel('Name (optional)').fill('Recall, drawn by hand');
    await dialog.getByRole('button', { name: /Blank journey/ }).click();
    await page.waitForURL('**/journeys/*');
    journeyId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await page.getByRole('heading', { level: 1, name: 'Recall, drawn by hand' }).waitFor();
    await page.getByText(/This journey is empty/).waitFor();
    expect(await page.getByRole('group', { name: /^[^:]+: .+/ }).count()).toBe(0);
    await app.screenshot('canvas-1-blank');
  });

  it('drags in entry → SMS → wait for login → robo-call → exit, each where it was dropped', async () => {
    // top to bottom down the middle; the robo-call to the right of the wait, the exit to its left
    await dropFromPalette('Segment entry', { x: 420, y: 110 });
    const entry = await title('Segment entry', 'Registered, never logged in');
    // the first node stays under the pointer (the canvas does not re-fit a journey that opened empty)
    const entryBox = await entry.boundingBox();
    const canvasBox = await page.locator('.canvas').boundingBox();
    expect(Math.abs((entryBox?.y ?? 0) - ((canvasBox?.y ?? 0) + 110 - 20))).toBeLessThan(4);

    await dropFromPalette('Send message', { x: 420, y: 240 });
    await title('Send message', 'Recall SMS');
    await dropFromPalette('Wait for event', { x: 420, y: 370 });
    const wait = await title('Wait for event', 'Logged in within 3 days?');
    await dropFromPalette('Send message', { x: 600, y: 500 });
    await title('Send message', 'Robo-call');
    await dropFromPalette('Exit', { x: 260, y: 630 });
    await title('Exit', 'Done');
    // the wait's defaults are what this journey needs: app_login, give up after 3 days
    await expect.poll(() => wait.textContent()).toContain('app_login · timeout 3 days');
    expect(await page.getByRole('group', { name: /^[^:]+: .+/ }).count()).toBe(5);
    await app.screenshot('canvas-2-dropped');
  });

  it('wires the ports with the mouse, leaves the timeout unwired, and sees that error on the wait', async () => {
    await wire('Registered, never logged in: next port', 'Recall SMS');
    await wire('Recall SMS: next port', 'Logged in within 3 days?');
    await wire('Logged in within 3 days?: event port', 'Done');
    await wire('Robo-call: next port', 'Done');

    const wait = page.getByRole('group', { name: 'Wait for event: Logged in within 3 days?', exact: true });
    await expect.poll(() => wait.locator('.jn').getAttribute('aria-invalid')).toBe('true');
    await wait.getByLabel('1 problem', { exact: true }).waitFor();
    await wait.getByLabel('Logged in within 3 days?: timeout port (not connected)', { exact: true }).waitFor();
    await app.screenshot('canvas-3-timeout-unwired');

    await page.getByRole('tab', { name: /^Problems/ }).click();
    const problems = page.getByRole('tabpanel', { name: /^Problems/ }).getByRole('list', { name: 'Problems' });
    await problems.getByRole('button', { name: /timeout" port/ }).waitFor();
    await app.screenshot('canvas-4-problems-tab');

    await wire('Logged in within 3 days?: timeout port', 'Robo-call');
    await expect.poll(() => wait.locator('.jn').getAttribute('aria-invalid')).toBeNull();
    expect(await wait.getByLabel(/problems?$/).count()).toBe(0);
    await problems.getByRole('button', { name: /timeout" port/ }).waitFor({ state: 'detached' });
    // the edges carry their ports' names
    for (const port of ['event', 'timeout']) await page.locator('.je__label', { hasText: new RegExp(`^${port}$`) }).waitFor();
  });

  it('chooses the segment and the templates in the inspector until no problem is left', async () => {
    const entry = await inspect(page.getByRole('group', { name: 'Segment entry: Registered, never logged in', exact: true }), 'Segment entry');
    await entry.getByLabel('Segment', { exact: true }).selectOption('registered_never_logged_in');
    // the live count: nobody has arrived yet
    await entry.getByText('0 contacts in this segment now').waitFor();

    const sms = await inspect(page.getByRole('group', { name: 'Send message: Recall SMS', exact: true }), 'Send message');
    expect(await sms.getByLabel('Channel', { exact: true }).inputValue()).toBe('sms');
    await sms.getByLabel('Template', { exact: true }).selectOption('recall_sms');
    await sms.getByRole('region', { name: 'Message preview' }).waitFor();

    const call = await inspect(page.getByRole('group', { name: 'Send message: Robo-call', exact: true }), 'Send message');
    await call.getByLabel('Channel', { exact: true }).selectOption({ label: 'Robo-call' });
    await call.getByLabel('Template', { exact: true }).selectOption('recall_call');
    await page.getByRole('group', { name: 'Send message: Robo-call', exact: true }).getByText('recall_call').waitFor();

    await page.getByRole('tab', { name: /^Problems/ }).click();
    await page
      .getByRole('tabpanel', { name: /^Problems/ })
      .getByText(/No problems/)
      .waitFor();
    expect(await page.locator('.react-flow__node [aria-invalid="true"]').count()).toBe(0);
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved/ })
      .waitFor();
    await app.screenshot('canvas-5-configured');

    // what autosave stored is the journey drawn: five nodes, five edges, port by port
    const { draft, errors } = await app.trpc.journeys.get.query({ id: journeyId });
    expect(errors).toEqual([]);
    const byId = new Map(draft.nodes.map((n) => [n.id, n]));
    const name = (id: string) => byId.get(id)?.title ?? id;
    expect(sorted(draft.edges.map((e) => `${name(e.source)} -${e.sourcePort}-> ${name(e.target)}`))).toEqual(
      sorted([
        'Registered, never logged in -next-> Recall SMS',
        'Recall SMS -next-> Logged in within 3 days?',
        'Logged in within 3 days? -event-> Done',
        'Logged in within 3 days? -timeout-> Robo-call',
        'Robo-call -next-> Done',
      ]),
    );
    expect(draft.nodes.find((n) => n.title === 'Robo-call')?.config).toMatchObject({ channel: 'voice', template: 'recall_call' });
    expect(draft.nodes.find((n) => n.title === 'Logged in within 3 days?')?.config).toMatchObject({ event: 'app_login', timeout: { amount: 3, unit: 'days' } });
  });

  it('publishes v1 through the dialog', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish version 1' });
    await dialog.getByText('First version: everything below goes live.').waitFor();
    expect(await dialog.getByRole('list', { name: 'What changes' }).getByRole('listitem').count()).toBeGreaterThan(0);
    await app.screenshot('canvas-6-publish-dialog');
    await dialog.getByRole('button', { name: 'Publish v1' }).click();
    await page
      .getByRole('dialog', { name: 'Published version 1' })
      .getByRole('status')
      .getByText(/New contacts now enter v1/)
      .waitFor();
    await page.getByRole('dialog', { name: 'Published version 1' }).getByRole('button', { name: 'Close' }).click();
    await page.getByText('Published v1').waitFor();
    await app.screenshot('canvas-7-published');
    const j = await app.trpc.journeys.get.query({ id: journeyId });
    expect(j).toMatchObject({ status: 'live', version: 1 });
  });

  it('texts every contact who arrives, and three days later calls only those who did not log in', async () => {
    const now = (await app.trpc.dev.now.query()).now;
    expect(now).toBe(MONDAY_10AM_SHANGHAI);

    // 40 sign-ups of the last 30 days arrive through the Segment-compatible batch API
    await postBatch(
      userIds.map((userId, i) => ({
        type: 'identify',
        userId,
        messageId: `identify-${userId}`,
        traits: { name: `Contact ${i + 1}`, phone: `+86138${String(10_000_000 + i)}`, limit: 5000 + 500 * (i % 10), registered_at: new Date(now - ((i % 30) + 1) * DAY + 3_600_000).toISOString() },
      })),
    );

    // ten minutes on: the segment entry enrols them all and the SMS goes out, one each
    await app.trpc.dev.advanceClock.mutate({ ms: 10 * MINUTE });
    await page.goto(`${app.url}/outbox?journey=${encodeURIComponent(journeyId)}`);
    const table = page.getByRole('table', { name: 'Outbox' });
    await table.waitFor();
    await expect.poll(async () => (await outboxRows()).length).toBe(CONTACTS);
    const first = await outboxRows();
    expect(first.every((r) => r.channel === 'sms' && r.channelText === 'SMS' && r.template === 'recall_sms')).toBe(true);
    expect(sorted(first.map((r) => r.contact))).toEqual(userIds);
    expect(new Set(first.map((r) => r.queued))).toEqual(new Set([queuedText(MONDAY_10AM_SHANGHAI)]));
    await app.screenshot('canvas-8-outbox-sms');

    // a quarter of them open the app (the sandbox SMS provider may log a few more in on its own)
    const loggers = userIds.filter((_, i) => i % 4 === 1);
    await postBatch(loggers.map((userId) => ({ type: 'track', userId, event: 'app_login', messageId: `login-${userId}`, properties: { os: 'android' } })));

    // everyone now waits for app_login or the timeout; stop a minute short of the first timeout
    const timelines = await Promise.all(userIds.map((externalId) => app.trpc.contacts.timeline.query({ externalId })));
    const wakeAt = (t: (typeof timelines)[number]) => t.runs.find((r) => r.journey_id === journeyId && r.status === 'waiting')?.wake_at ?? null;
    const wakes = timelines.map(wakeAt).filter((w): w is number => w !== null);
    // (the sandbox's own simulated logins may already have taken a few more out of the wait)
    expect(wakes.length).toBeGreaterThan(0);
    expect(wakes.length).toBeLessThanOrEqual(CONTACTS - loggers.length);
    const firstTimeout = Math.min(...wakes);
    expect(firstTimeout).toBe(MONDAY_10AM_SHANGHAI + 3 * DAY);
    const clockNow = (await app.trpc.dev.now.query()).now;
    await app.trpc.dev.advanceClock.mutate({ ms: firstTimeout - MINUTE - clockNow });

    // who logged in before their wait timed out: from the events the server recorded, ours and the sandbox's
    const before = await Promise.all(userIds.map((externalId) => app.trpc.contacts.timeline.query({ externalId })));
    const loggedIn = new Set(userIds.filter((_, i) => before[i]?.events.some((e) => e.name === 'app_login')));
    for (const u of loggers) expect(loggedIn.has(u)).toBe(true);
    const expectedCalls = userIds.filter((u) => !loggedIn.has(u));
    expect(expectedCalls.length).toBeGreaterThan(0);
    // still nothing but SMS a minute before the timeout
    await page.reload();
    await table.waitFor();
    expect((await outboxRows()).filter((r) => r.channel !== 'sms')).toEqual([]);

    // past the timeout: the robo-calls, and the page picks them up on its own refresh
    await app.trpc.dev.advanceClock.mutate({ ms: 10 * MINUTE });
    await expect.poll(async () => (await outboxRows()).filter((r) => r.channel === 'voice').length, { timeout: 12_000, interval: 500 }).toBe(expectedCalls.length);
    // fifty to a page, newest first: the total says how many there are, and "Load more" brings the rest
    const total = CONTACTS + expectedCalls.length;
    await expect.poll(() => page.getByRole('status', { name: 'Messages shown' }).textContent()).toBe(`Showing 50 of ${total} messages`);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(async () => (await outboxRows()).length).toBe(total);
    await expect.poll(() => page.getByRole('status', { name: 'Messages shown' }).textContent()).toBe(`Showing ${total} of ${total} messages`);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const rows = await outboxRows();
    const calls = rows.filter((r) => r.channel === 'voice');
    expect(sorted(calls.map((r) => r.contact))).toEqual(sorted(expectedCalls));
    expect(calls.every((r) => r.channelText === 'Robo-call' && r.template === 'recall_call' && r.queued === queuedText(firstTimeout))).toBe(true);
    // still exactly one SMS each, and calls are newest, so they come first
    expect(rows.filter((r) => r.channel === 'sms')).toHaveLength(CONTACTS);
    expect(rows.slice(0, calls.length).every((r) => r.channel === 'voice')).toBe(true);
    await app.screenshot('canvas-9-outbox-calls');

    // filtered to robo-calls, the page shows only them; the times are labelled with the workspace's zone
    await page.getByRole('combobox', { name: 'Channel' }).selectOption('voice');
    await expect.poll(() => page.getByRole('status', { name: 'Messages shown' }).textContent()).toBe(`Showing ${calls.length} of ${calls.length} messages`);
    expect(new Set((await outboxRows()).map((r) => r.channel))).toEqual(new Set(['voice']));
    await page.getByText('Times in Asia/Shanghai').waitFor();
  });
});
