/**
 * Who may do what, end to end, with four-eyes approval on: an anonymous
 * browser lands on the sign-in page; an operator publishes blueprint 1 and it
 * waits (and they cannot approve it themselves); an approver approves it and it
 * goes live; a copywriter changes the live journey's SMS and that too waits
 * for the approver; a viewer sees phone numbers masked; the admin reads it all
 * in the audit log with real names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BLUEPRINT_1, postBatch, startApp, waitForCanvas, type App } from './harness';
import { testAdmin } from '../server/testing/signIn';
import { stepsOfOneStory } from './story';

/** Tuesday 3 Nov 2026, 10:00 in Shanghai. */
const START = Date.parse('2026-11-03T10:00:00+08:00');
const TEMPLATE = 'recall_sms';
const NEW_COPY = '【橙子信用】{{default name "您好"}}，您的额度还在等您，登录App即可查看：{{link "https://m.orangecredit.example/login?src=e2e"}} 回T退订';

let app: App;
let page: Page;
let journeyId = '';
let journeyName = '';
const people = {
  operator: { login: 'olivia', name: 'Olivia Operator', roles: ['operator'] as const },
  copywriter: { login: 'cathy', name: 'Cathy Copy', roles: ['copywriter'] as const },
  approver: { login: 'amy', name: 'Amy Approver', roles: ['approver'] as const },
  viewer: { login: 'victor', name: 'Victor Viewer', roles: ['viewer'] as const },
};
const password = (login: string) => `${login}-password-1`;

beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: START, approvals: true, signedIn: false });
  page = app.page;
  for (const p of Object.values(people)) await app.trpc.users.create.mutate({ login: p.login, displayName: p.name, password: password(p.login), roles: [...p.roles] });
  const j = (await app.trpc.journeys.list.query()).find((x) => x.blueprint === BLUEPRINT_1);
  if (!j) throw new Error('blueprint 1 was not seeded');
  journeyId = j.id;
  journeyName = j.name;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

const as = (who: keyof typeof people) => app.signInAs({ login: people[who].login, password: password(people[who].login) });

/** The newest request about `objectId`, as the API lists it. */
async function requestFor(objectId: string) {
  const r = (await app.trpc.approvals.list.query({})).find((x) => x.objectId === objectId);
  if (!r) throw new Error(`no request about ${objectId}`);
  return r;
}

describe('accounts: roles, four-eyes approval, masking and the audit log', () => {
  it('sends an anonymous browser to the sign-in page, and back where it was going once signed in', async () => {
    await page.goto(`${app.url}/journeys/${journeyId}`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    // the API itself refuses without a session
    expect((await page.request.get(`${app.url}/trpc/journeys.list`)).status()).toBe(401);

    await page.getByLabel('Login').fill(people.operator.login);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong login or password' }).waitFor();
    await app.screenshot('accounts-1-sign-in');

    await page.getByLabel('Password').fill(password(people.operator.login));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/journeys/${journeyId}`);
    await page.getByRole('heading', { level: 1, name: journeyName }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('an operator publishes blueprint 1 and it waits for approval; they cannot approve it themselves', async () => {
    await waitForCanvas(page);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Publish v1' }).click();
    await dialog.getByRole('heading', { name: 'Sent for approval' }).waitFor();
    await app.screenshot('accounts-2-sent-for-approval');
    // nothing is live yet
    const j = await app.trpc.journeys.get.query({ id: journeyId });
    expect([j.status, j.version]).toEqual(['draft', null]);

    await dialog.getByRole('link', { name: 'See the request' }).click();
    await page.waitForURL('**/approvals/*');
    await page.getByText('You cannot approve your own request').waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Withdraw' }).waitFor();
    // the server refuses what the page hides
    const r = await requestFor(journeyId);
    const refused = await page.evaluate(async (id) => {
      const res = await fetch('/trpc/approvals.approve', { method: 'POST', headers: { 'content-type': 'application/json', 'x-journeys-client': 'web' }, body: JSON.stringify({ id }) });
      return { status: res.status, text: await res.text() };
    }, r.id);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('approver');
  });

  it('an approver approves it: version 1 goes live, published by the operator', async () => {
    await as('approver');
    await page.goto(`${app.url}/approvals`);
    await page.getByRole('tab', { name: 'Pending' }).waitFor();
    const requests = page.getByRole('table', { name: 'Requests' });
    await requests.getByRole('link', { name: journeyName }).click();
    await page.getByText(people.operator.name).first().waitFor();
    await page
      .getByRole('list', { name: /changes/i })
      .or(page.getByText('First version'))
      .first()
      .waitFor();
    await page.getByLabel('Comment').fill('Checked the copy and the timing.');
    await app.screenshot('accounts-3-approve');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await requestFor(journeyId)).status).toBe('approved');

    const j = await app.trpc.journeys.get.query({ id: journeyId });
    expect([j.status, j.version]).toEqual(['live', 1]);
    expect(j.versions[0]?.publishedBy).toBe(people.operator.name);
    expect((await requestFor(journeyId)).decidedBy?.displayName).toBe(people.approver.name);
  });

  it('a copywriter edits the SMS the live journey sends and requests approval; the approver approves the copy', async () => {
    await as('copywriter');
    await page.goto(`${app.url}/templates/${TEMPLATE}`);
    const variants = page.getByRole('region', { name: 'Variants' });
    await variants.getByLabel('Body of variant A in zh-CN', { exact: true }).fill(NEW_COPY);
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText(/Sent for approval: a live journey uses this template/).waitFor();
    await app.screenshot('accounts-4-template-request');
    // the journey still sends version 1 until someone approves
    expect((await app.trpc.templates.get.query({ key: TEMPLATE })).version).toBe(1);
    const request = await requestFor(TEMPLATE);
    expect(request).toMatchObject({ kind: 'template.version', status: 'pending', requestedBy: { displayName: people.copywriter.name } });

    await as('approver');
    await page.goto(`${app.url}/approvals/${request.id}`);
    // the copy diff per variant: before and after
    await page.getByText('登录App即可查看').first().waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await app.trpc.templates.get.query({ key: TEMPLATE })).version).toBe(2);
    const t = await app.trpc.templates.get.query({ key: TEMPLATE });
    expect(t.variants.find((v) => v.key === 'a')?.parts.body).toBe(NEW_COPY);
    expect(t.versions[0]?.createdBy).toBe(people.copywriter.name);
  });

  it('a viewer reads a contact with the phone number masked, and cannot publish', async () => {
    const { writeKey } = await app.trpc.workspace.get.query();
    expect(writeKey).toMatch(/^wk_/);
    await postBatch(app, [{ type: 'identify', userId: 'masked-1', messageId: 'identify-masked-1', traits: { name: '李雷', phone: '+8613800010001' } }]);
    await as('viewer');
    await page.goto(`${app.url}/contacts/masked-1`);
    const contact = page.getByRole('region', { name: 'Contact' });
    await contact.getByText('+86138****0001').waitFor();
    expect(await page.content()).not.toContain('13800010001');
    await app.screenshot('accounts-5-viewer-masked');

    await page.goto(`${app.url}/journeys/${journeyId}`);
    await page.getByRole('heading', { level: 1, name: journeyName }).waitFor();
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    // nor does a viewer see the write key
    await page.goto(`${app.url}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await page.getByLabel('Write key').count()).toBe(0);
  });

  it('the admin reads every change in the audit log, with real names', async () => {
    await app.signInAs(testAdmin);
    await page.goto(`${app.url}/audit`);
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.getByText('approvals.approve').first().waitFor();
    await table.getByText('journeys.publish').first().waitFor();
    await table.getByText('templates.save').first().waitFor();
    await table.getByText(people.approver.name).first().waitFor();
    await app.screenshot('accounts-6-audit');
    const { rows } = await app.trpc.audit.list.query({ action: 'journeys.publish' });
    expect(rows.map((r) => r.actor?.login)).toEqual([people.operator.login]);
  });
});
