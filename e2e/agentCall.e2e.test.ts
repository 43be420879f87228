/**
 * The call centre: a journey calls contacts the lender approved (the
 * agent_call channel queues a call task instead of a message) and waits up to
 * two days for the call's outcome, branching on it. An agent signs in, opens
 * the Calls page, claims the best call (the larger approved limit first), sees
 * the number to dial and the script, records "promised to draw" with a note;
 * the journey takes the "promised" branch. The other contact, never called,
 * times out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { postBatch, startApp, type App } from './harness';
import { stepsOfOneStory } from './story';
import { anAgentCallJourney } from '../shared/fixtures/agentCallJourney';

/** Monday 2 Nov 2026, 11:00 in Shanghai (the workspace's zone): calling hours. */
const MONDAY_11AM_SHANGHAI = Date.parse('2026-11-02T11:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: MONDAY_11AM_SHANGHAI, seed: 1918 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

const exitOf = async (externalId: string) => (await app.trpc.contacts.timeline.query({ externalId })).runs.map((r) => r.exit_reason);

describe('an agent works the call queue and the journey branches on the outcome', () => {
  it('a live journey calls approved contacts and waits for the outcome', async () => {
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Call the approved' });
    const graph = anAgentCallJourney().build();
    const { errors } = await app.trpc.journeys.saveDraft.mutate({ id, graph });
    expect(errors).toEqual([]);
    await app.trpc.journeys.publish.mutate({ id });
    await postBatch(app, [
      { type: 'identify', userId: 'li-lei', traits: { name: '李雷', phone: '+8613700000001', limit: 20000 } },
      { type: 'identify', userId: 'han-mei', traits: { name: '韩梅', phone: '+8613700000002', limit: 5000 } },
      { type: 'track', userId: 'li-lei', event: 'credit_granted' },
      { type: 'track', userId: 'han-mei', event: 'credit_granted' },
    ]);
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    const tasks = app.server.db.$client.prepare('select status, priority from agent_tasks order by priority desc').all();
    expect(tasks).toEqual([
      { status: 'open', priority: 20000 },
      { status: 'open', priority: 5000 },
    ]);
  });

  it('an agent signs in, claims the best call and sees whom to dial and what to say', async () => {
    await app.signInAs(await app.addUser(['agent'], 'agent-zhang'));
    await page.goto(`${app.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
    await page.getByRole('heading', { name: 'Call queue' }).waitFor();
    const queues = page.getByRole('table', { name: 'Call queues' });
    await queues.getByRole('row', { name: /default/ }).waitFor();
    expect(
      await queues
        .getByRole('row', { name: /default/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('2');
    // one agent (this one) with the default daily capacity, nothing called yet
    await queues.getByRole('cell', { name: '0 of 40' }).waitFor();
    await page.getByRole('button', { name: 'Claim next call' }).click();
    const call = page.getByRole('region', { name: 'Call 李雷' });
    await call.waitFor();
    // the agent dials: the number of the contact on their desk is theirs to see
    await call.getByRole('link', { name: '+8613700000001' }).waitFor();
    expect(await call.getByText('Approved limit (¥)').count()).toBe(1);
    await call.getByText(/20000元借款额度已审批通过/).waitFor();
    await page.getByRole('region', { name: 'Timeline' }).waitFor();
    await app.screenshot('agent-call-desk');
  });

  it('records the outcome with a note; the journey takes the "promised" branch', async () => {
    const call = page.getByRole('region', { name: 'Call 李雷' });
    await call.getByRole('radio', { name: 'Promised to draw' }).check();
    await call.getByLabel('Note').fill('Will draw ¥10,000 tonight');
    await call.getByRole('button', { name: 'Record outcome' }).click();
    await page.getByRole('status').filter({ hasText: 'Outcome recorded: Promised to draw.' }).waitFor();
    // the desk is free again: the next call can be claimed
    await page.getByRole('button', { name: 'Claim next call' }).waitFor();
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    expect(await exitOf('li-lei')).toEqual(['promised']);
    const outcome = app.server.db.$client.prepare(`select e.properties from events e join contacts c on c.id = e.contact_id where c.external_id = 'li-lei' and e.name = 'call_outcome'`).all() as {
      properties: string;
    }[];
    expect(outcome.map((o) => JSON.parse(o.properties) as Record<string, unknown>)).toEqual([expect.objectContaining({ outcome: 'promised_to_draw', note: 'Will draw ¥10,000 tonight' })]);
    // the contact nobody called leaves by the timeout after two days
    await app.trpc.dev.advanceClock.mutate({ ms: 2 * DAY + HOUR });
    expect(await exitOf('han-mei')).toEqual(['no_outcome']);
  });
});
