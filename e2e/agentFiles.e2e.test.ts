/**
 * The call centre's staffing and its outside hand-over, through the pages:
 * an admin gives an agent a daily capacity on the Users page and sees what of
 * the queue is beyond today's capacity; an analyst exports the best calls as
 * CSV for an outside call centre (full numbers, handed over) and imports the
 * outcomes file that comes back with one bad row, seeing the refused line and
 * the error file; the good row's outcome moves its contact's journey on.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { postBatch, startApp, type App } from './harness';
import { stepsOfOneStory } from './story';
import { aGraph } from '../shared/fixtures/builders';

/** Monday 2 Nov 2026, 11:00 in Shanghai (the workspace's zone): calling hours. */
const MONDAY_11AM_SHANGHAI = Date.parse('2026-11-02T11:00:00+08:00');

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: MONDAY_11AM_SHANGHAI, seed: 1919 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

const tasks = () =>
  app.server.db.$client.prepare('select id, status, outcome, claimed_by claimedBy from agent_tasks order by priority desc').all() as {
    id: number;
    status: string;
    outcome: string | null;
    claimedBy: string | null;
  }[];

describe('an admin staffs the call centre; an analyst hands calls out and takes the outcomes back', () => {
  it('a live journey queues a call for each of three approved contacts', async () => {
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Call the approved' });
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_granted' })
      .node('call', 'send', { channel: 'agent_call', template: 'approved_agent_call' }, 'Agent call')
      .node('wait', 'wait.event', { event: 'call_outcome', filter: [{ property: 'outcome', op: 'eq', value: 'promised_to_draw' }], timeout: { amount: 2, unit: 'days' } })
      .node('promised', 'exit', { reason: 'promised' })
      .node('silent', 'exit', { reason: 'no_promise' })
      .then('entry', 'call')
      .then('call', 'wait')
      .then('wait', 'promised', 'event')
      .then('wait', 'silent', 'timeout')
      .build();
    expect((await app.trpc.journeys.saveDraft.mutate({ id, graph })).errors).toEqual([]);
    await app.trpc.journeys.publish.mutate({ id });
    const people = [
      ['zhao', '赵一', '+8613700000011', 30000],
      ['qian', '钱二', '+8613700000012', 20000],
      ['sun', '孙三', '+8613700000013', 10000],
    ] as const;
    await postBatch(app, [
      ...people.map(([userId, name, phone, limit]) => ({ type: 'identify', userId, traits: { name, phone, limit } })),
      ...people.map(([userId]) => ({ type: 'track', userId, event: 'credit_granted' })),
    ]);
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    expect(tasks().map((t) => t.status)).toEqual(['open', 'open', 'open']);
  });

  it("an admin gives an agent a daily capacity of 1 on the Users page and sees two calls beyond today's capacity", async () => {
    await app.addUser(['agent'], 'agent-wang');
    await page.goto(`${app.url}/users`);
    const staffing = page.getByRole('region', { name: 'Call-centre agents' });
    await staffing.waitFor();
    // the default capacity (40) takes all three today
    await staffing
      .getByRole('table', { name: 'Call queues' })
      .getByRole('row', { name: /default/ })
      .getByRole('cell', { name: '0 of 40' })
      .waitFor();
    await staffing.getByLabel('Team of agent-wang').fill('default');
    const capacity = staffing.getByLabel('Calls a day for agent-wang');
    await capacity.fill('501');
    await staffing.getByText('The daily capacity is a whole number from 0 to 500.').waitFor();
    await capacity.fill('1');
    await staffing.getByRole('form', { name: 'Team and capacity of agent-wang' }).getByRole('button', { name: 'Save' }).click();
    await staffing.getByRole('status').filter({ hasText: 'Saved the team and capacity of agent-wang.' }).waitFor();
    const row = staffing.getByRole('table', { name: 'Call queues' }).getByRole('row', { name: /default/ });
    await row.getByRole('cell', { name: '0 of 1' }).waitFor();
    // waiting, beyond today's capacity, called today, agents
    expect(await row.getByRole('cell').allTextContents()).toEqual(['3', '2', '0 of 1', '1']);
    expect(app.server.db.$client.prepare(`select a.team, a.daily_capacity capacity from agents a join users u on u.id = a.user_id where u.login = 'agent-wang'`).all()).toEqual([
      { team: 'default', capacity: 1 },
    ]);
    await app.screenshot('agent-staffing');
  });

  let exported: Record<string, string>[] = [];
  it('an analyst exports the two best calls as CSV, with full numbers, and they leave the queue', async () => {
    await app.signInAs(await app.addUser(['analyst'], 'analyst-li'));
    await page.goto(`${app.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
    const files = page.getByRole('region', { name: 'Outside call centre' });
    await files.waitFor();
    // an analyst has no desk of their own: no claim button
    expect(await page.getByRole('button', { name: 'Claim next call' }).count()).toBe(0);
    await files.getByLabel('At most').fill('2');
    const [download] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'Export tasks as CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('calls-default.csv');
    exported = parse<Record<string, string>>(readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, ''), { columns: true });
    expect(exported.map((r) => [r.user_id, r.phone, r.limit])).toEqual([
      ['zhao', '+8613700000011', '30000'],
      ['qian', '+8613700000012', '20000'],
    ]);
    await files.getByRole('status').filter({ hasText: 'Exported 2 tasks to calls-default.csv' }).waitFor();
    expect(tasks().map((t) => t.status)).toEqual(['claimed', 'claimed', 'open']);
    // the outside centre calls those two: the agent's day here is untouched, and the one left is within it
    const row = page.getByRole('table', { name: 'Call queues' }).getByRole('row', { name: /default/ });
    await row.getByRole('cell', { name: '0 of 1' }).waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(['1', '0', '0 of 1', '1']);
  });

  it('imports the outcomes file with one bad row: the good one is recorded, the bad one refused by its line with the error file', async () => {
    const [zhao = '', qian = ''] = exported.map((r) => r.task_id ?? '');
    const files = page.getByRole('region', { name: 'Outside call centre' });
    await files.getByLabel('Outcomes file (task_id, outcome, note)').setInputFiles({
      name: 'outcomes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['task_id,outcome,note', `${zhao},promised_to_draw,"will draw tonight"`, `${qian},maybe,`].join('\n')),
    });
    await files.getByRole('button', { name: 'Import outcomes CSV' }).click();
    await files.getByRole('status').filter({ hasText: 'Recorded 1 of 2 rows; 1 row refused.' }).waitFor();
    const refused = files.getByRole('list', { name: 'Refused rows' });
    expect(await refused.getByRole('listitem').allTextContents()).toEqual(['Line 3: outcome: “maybe” is not an outcome (reached, no_answer, wrong_number, promised_to_draw, refused, opt_out).']);
    const errorFile = files.getByRole('link', { name: 'Download the error file' });
    expect(decodeURIComponent((await errorFile.getAttribute('href')) ?? '')).toContain('3,outcome,"outcome: ""maybe"" is not an outcome');
    await app.screenshot('agent-outcomes-import');
    expect(tasks().map((t) => [t.status, t.outcome])).toEqual([
      ['closed', 'promised_to_draw'],
      ['claimed', null],
      ['open', null],
    ]);
    // the imported promise moves zhao's journey on, like an agent's would
    await app.trpc.dev.advanceClock.mutate({ ms: 0 });
    expect((await app.trpc.contacts.timeline.query({ externalId: 'zhao' })).runs.map((r) => r.exit_reason)).toEqual(['promised']);
  });
});
