/**
 * Live-version migration, as an operator lives it: a recall journey is live
 * with contacts in flight, some waiting a day for them to open the app, some
 * resting two days after they did. With four-eyes on, the operator publishes
 * v2 (the wait now waits for a login; the rest is replaced by a nudge push),
 * reading in the publish dialog how many contacts the automatic mapping would
 * move where; the approver reads the same on the request and approves. Then
 * on the side-by-side view the operator sends the resting contacts to the
 * nudge (which has no automatic match) and moves everyone. Afterwards the
 * waiting contacts are at v2's wait with their wake-up time, the others
 * entered the nudge afresh, and the figures on the canvas still add up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { postBatch, startApp, type App } from './harness';
import { stepsOfOneStory } from './story';
import { aGraph } from '../shared/fixtures/builders';

/** Monday 2 Nov 2026, 12:00 in Shanghai: no quiet hours in the way. */
const NOON = Date.parse('2026-11-02T12:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const v1 = aGraph()
  .node('entry', 'trigger.event', { event: 'credit_rejected' }, 'Rejected')
  .node('sms', 'send', { channel: 'sms', template: 'recall_sms' }, 'Recall SMS')
  .node('wait', 'wait.event', { event: 'app_opened', timeout: { amount: 1, unit: 'days' } }, 'Opened the app?')
  .node('call', 'send', { channel: 'voice', template: 'recall_call' }, 'Recall call')
  .node('pause', 'wait.duration', { amount: 2, unit: 'days' }, 'Rest 2 days')
  .node('done', 'exit', {}, 'Done')
  .then('entry', 'sms')
  .then('sms', 'wait')
  .then('wait', 'call', 'timeout')
  .then('wait', 'pause', 'event')
  .then('call', 'done')
  .then('pause', 'done')
  .build();

const v2 = aGraph()
  .node('entry', 'trigger.event', { event: 'credit_rejected' }, 'Rejected')
  .node('sms', 'send', { channel: 'sms', template: 'recall_sms' }, 'Recall SMS')
  .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 1, unit: 'days' } }, 'Logged in?')
  .node('call', 'send', { channel: 'voice', template: 'recall_call' }, 'Recall call')
  .node('nudge', 'send', { channel: 'push', template: 'idle_push' }, 'Nudge push')
  .node('done', 'exit', {}, 'Done')
  .then('entry', 'sms')
  .then('sms', 'wait')
  .then('wait', 'call', 'timeout')
  .then('wait', 'nudge', 'event')
  .then('call', 'done')
  .then('nudge', 'done')
  .build();

const waiting = ['mig-1', 'mig-2', 'mig-3', 'mig-4'];
const resting = ['mig-5', 'mig-6'];

interface Where {
  version: number;
  node_id: string;
  status: string;
  wake_at: number | null;
}

let app: App;
let page: Page;
let journeyId = '';
let operator: { login: string; password: string };
const where = (userId: string): Where | undefined =>
  app.server.db.$client
    .prepare<[string, string], Where>(
      `select v.version, r.node_id, r.status, r.wake_at from runs r join contacts c on c.id = r.contact_id join journey_versions v on v.id = r.version_id where r.journey_id = ? and c.external_id = ?`,
    )
    .get(journeyId, userId);

beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: NOON, seed: 19 });
  page = app.page;
  operator = await app.addUser(['operator'], 'ops');
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

describe('live-version migration: publish v2, map the nodes side by side, move the contacts', () => {
  it('a live v1 with contacts in flight: four wait a day for the app to open, two opened it and rest two days', async () => {
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Recall with care' });
    journeyId = id;
    expect((await app.trpc.journeys.saveDraft.mutate({ id, graph: v1 })).errors).toEqual([]);
    await app.trpc.journeys.publish.mutate({ id });
    const all = [...waiting, ...resting];
    await postBatch(app, [
      ...all.map((userId, i) => ({ type: 'identify', userId, messageId: `id-${userId}`, traits: { name: `用户${i}`, phone: `+8613500000${10 + i}` } })),
      ...all.map((userId) => ({ type: 'track', userId, event: 'credit_rejected', messageId: `rej-${userId}` })),
    ]);
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    await app.trpc.dev.advanceClock.mutate({ ms: HOUR });
    await postBatch(
      app,
      resting.map((userId) => ({ type: 'track', userId, event: 'app_opened', messageId: `open-${userId}` })),
    );
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    for (const u of waiting) expect(where(u)).toMatchObject({ version: 1, node_id: 'wait', status: 'waiting', wake_at: NOON + DAY });
    for (const u of resting) expect(where(u)).toMatchObject({ version: 1, node_id: 'pause', status: 'waiting' });
    // v2 is drafted (the canvas's own editing is other specs' business)
    expect((await app.trpc.journeys.saveDraft.mutate({ id, graph: v2 })).errors).toEqual([]);
  });

  it('the operator publishes v2 and reads first who the automatic mapping would move where; it waits for approval', async () => {
    await app.trpc.workspace.setApprovals.mutate({ on: true });
    await app.signInAs(operator);
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish version 2' });
    const moves = dialog.getByRole('region', { name: '6 contacts in flight on v1' });
    await moves.getByText('4 at “wait” can move to “wait” in v2, keeping their wake-up time').waitFor();
    await moves.getByText('2 at “pause” have no match and stay on v1').waitFor();
    await dialog.getByRole('button', { name: 'Publish v2' }).click();
    await page.getByRole('dialog', { name: 'Sent for approval' }).waitFor();
    expect((await app.trpc.journeys.get.query({ id: journeyId })).version).toBe(1);
  });

  it('the approver sees on the request who would move where, and approves: v2 is live', async () => {
    await app.signInAs(await app.addUser(['approver'], 'checker'));
    const request = (await app.trpc.approvals.list.query({ status: 'pending' })).find((r) => r.objectId === journeyId);
    if (!request) throw new Error('no request for v2');
    await page.goto(`${app.url}/approvals/${request.id}`);
    await page.getByRole('region', { name: '6 contacts in flight on v1' }).getByText('4 at “wait” can move to “wait” in v2, keeping their wake-up time').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await app.trpc.journeys.get.query({ id: journeyId })).version).toBe(2);
  });

  it('the operator opens the side-by-side view from the journey', async () => {
    await app.signInAs(operator);
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await page.getByRole('link', { name: 'Move contacts' }).click();
    await page.getByRole('heading', { name: 'Move contacts from v1 to v2' }).waitFor();
  });

  it('side by side, the resting contacts go to the nudge (no automatic match), and everyone moves', async () => {
    const old = page.getByRole('region', { name: 'v1 (old)' });
    const live = page.getByRole('region', { name: 'v2 (live)' });
    const opened = old.getByRole('combobox', { name: 'Where contacts at “Opened the app?” go' });
    expect(await opened.inputValue()).toBe('wait');
    await old.locator('tr[data-node="wait"]').getByText('keeps the wake-up time').waitFor();
    const rest = old.getByRole('combobox', { name: 'Where contacts at “Rest 2 days” go' });
    expect(await rest.inputValue()).toBe('');
    await page.getByRole('status').getByText('4 contacts move of 6 in flight; 2 stay on v1.').waitFor();

    await rest.selectOption({ label: 'Nudge push (nudge)' });
    await old.locator('tr[data-node="pause"]').getByText('enters the new node afresh').waitFor();
    await page.getByRole('status').getByText('6 contacts move of 6 in flight; 0 stay on v1.').waitFor();
    expect(await live.locator('tr[data-node="nudge"] td.num').textContent()).toBe('2');
    expect(await live.locator('tr[data-node="wait"] td.num').textContent()).toBe('4');

    await app.screenshot('migrate-side-by-side');
    await page.getByRole('button', { name: 'Move 6 contacts to v2' }).click();
    await page.getByText('Moved 6 contacts from v1 to v2; nobody stayed on v1.').waitFor();
  });

  it('afterwards: the waiting contacts wait at v2’s wait with their wake-up time, the resting ones entered the nudge, and the canvas adds up', async () => {
    for (const u of waiting) expect(where(u)).toMatchObject({ version: 2, node_id: 'wait', status: 'waiting', wake_at: NOON + DAY });
    for (const u of resting) expect(where(u)).toMatchObject({ version: 2, node_id: 'nudge', status: 'active' });
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    for (const u of resting) expect(where(u)).toMatchObject({ version: 2, node_id: 'done', status: 'exited' });
    // v2's event, not v1's, moves the waiting ones on
    await postBatch(app, [{ type: 'track', userId: 'mig-1', event: 'app_login', messageId: 'login-1' }]);
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    expect(where('mig-1')).toMatchObject({ version: 2, node_id: 'done', status: 'exited' });
    const overlay = await app.trpc.analytics.journeyOverlay.query({ journeyId });
    expect(overlay.nodes.wait?.waiting).toBe(3);
    expect(overlay.nodes.pause?.waiting ?? 0).toBe(0);
    const audit = await app.trpc.audit.list.query({ action: 'migrations.migrate' });
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ actor: { login: 'ops' }, objectId: journeyId });
  });
});
