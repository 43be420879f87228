/**
 * 中文优先 (issue 18), proven page by page: the browser speaks zh-CN, the
 * operator signs in (POST /auth/sign-in) and visits every page of the app with
 * data on it: the journeys, a journey's canvas with the inspector open on every
 * node kind, its numbers and uplift, the publish dialog, a published version,
 * the templates and one template, the contacts and a contact's timeline with
 * its policy decisions, the outbox, dead letters, approvals, the audit log,
 * users and settings (the contact policy and the lending guardrails among them).
 *
 * On each, every visible text and every aria-label, placeholder and title must be
 * Chinese: an English word fails the page unless it is on the short allow-list
 * below (acronyms, brands, formats) or is the workspace's own data (journey and
 * node names, template keys, names and copy, event and trait names, users:
 * what the operator or the demo typed, read from the API, not from the page).
 * Code-like elements (<code>, <pre>, <kbd>) show ids and template source and
 * are not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BLUEPRINT_1, postBatch, startApp, waitForCanvas, type App } from './harness';
import { signIn, testAdmin, trpcClient } from '../server/testing/signIn';
import { aGraph } from '../shared/fixtures/builders';
import { defaultConfig, nodeKindNames } from '../shared/journey/registry';
import { DAY, HOUR } from '../shared/util/time';

/** 22:30 in Asia/Shanghai: the SMS falls in the quiet hours, so the timeline has a policy decision to show */
const T0 = Date.UTC(2026, 10, 2, 14, 30);

/**
 * Words a Chinese screen still shows in Latin letters: acronyms, brands (React
 * Flow's attribution among them), formats and encodings, a statistician's name
 * (the Wilson interval), the template helpers and literals an operator types
 * ({{link}}, {{default}}, true/false), and "English", the language switcher's
 * name for English, which names each language in itself.
 */
const allowList = [
  ...['SMS', 'SDK', 'CSV', 'API', 'URL', 'UTC', 'IANA', 'JSON', 'HTTP', 'HTTPS', 'ROI', 'CNY', 'UTM', 'Segment', 'RudderStack', 'Webhook', 'React', 'Flow'],
  ...['YYYY', 'Asia', 'Shanghai', 'UCS', 'GSM', 'Wilson'],
  ...['link', 'money', 'date', 'default', 'true', 'false'],
  // key names in a shortcut's tooltip, written on the key caps
  ...['Ctrl', 'Shift', 'Delete'],
  'English',
];

/** Keys whose values are enums the UI words itself (a unit, an operator, a channel): their values are not the workspace's own words. */
const enumKeys = new Set(['channel', 'category', 'locale', 'locales', 'status', 'kind', 'type', 'unit', 'op', 'match', 'severity', 'mode', 'source', 'target', 'sourcePort', 'timezone', 'format']);

/** Every string value in `x` (enum keys left out). */
function stringsOf(x: unknown, into: Set<string>, key = ''): Set<string> {
  if (typeof x === 'string') {
    if (!enumKeys.has(key) && x.trim().length > 1) into.add(x.trim());
  } else if (Array.isArray(x)) for (const v of x) stringsOf(v, into, key);
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) stringsOf(v, into, k);
  return into;
}

/**
 * The workspace's own texts, from the API: what the demo and the operator
 * named and wrote (journey, node, arm and case names, descriptions, event and
 * trait names, template keys and names, segments, users, the workspace's
 * name). The page may show each as it
 * is; only a whole one is let through, not its words one by one.
 */
async function workspaceTexts(app: App, extra: unknown[]): Promise<string[]> {
  const texts = new Set<string>();
  const journeys = await app.trpc.journeys.list.query();
  for (const j of journeys) stringsOf({ name: j.name, description: j.description, draft: (await app.trpc.journeys.get.query({ id: j.id })).draft }, texts);
  for (const t of await app.trpc.templates.list.query()) stringsOf(await app.trpc.templates.get.query({ key: t.key }), texts);
  stringsOf(await app.trpc.users.list.query(), texts);
  stringsOf(await app.trpc.segments.list.query(), texts);
  stringsOf({ name: (await app.trpc.workspace.get.query()).name }, texts);
  stringsOf(extra, texts);
  // longest first, so a name is taken whole before a shorter one inside it
  return [...texts].sort((a, b) => b.length - a.length);
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the page shows a person (visible text nodes, tooltips) and a screen reader (aria-label, placeholder, alt), with where. */
function shownStrings(page: Page): Promise<{ text: string; where: string }[]> {
  return page.evaluate(() => {
    const out: { text: string; where: string }[] = [];
    // code-like elements hold ids and template source; React Flow's attribution link names itself in English, as the library fixes it
    // and a part marked as in another language (a template's English copy, previewed) is that language's, not the UI's
    const skipped = 'script,style,noscript,code,pre,kbd,samp,textarea,.react-flow__attribution,[lang]:not([lang^="zh"])';
    const where = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    const visible = (el: Element): boolean => {
      const option = el.closest('option');
      const at = option ? option.closest('select') : el;
      return !!at && at.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.nodeValue?.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest(skipped) || !visible(el)) continue;
      out.push({ text, where: where(el) });
    }
    // a tooltip (title) is read too: a node's problems and an invalid config's reason show there
    for (const el of document.body.querySelectorAll('[aria-label],[placeholder],[alt],[title]')) {
      if (el.closest(skipped) || !visible(el)) continue;
      for (const a of ['aria-label', 'placeholder', 'alt', 'title']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push({ text: v, where: `${where(el)}[${a}]` });
      }
    }
    return out;
  });
}

/** The English on the page: each word neither allowed nor part of the workspace's own texts, with the text it is in. */
async function englishOn(page: Page, own: readonly RegExp[]): Promise<string[]> {
  const found = new Set<string>();
  for (const shown of await shownStrings(page)) {
    const { where } = shown;
    let text = shown.text;
    for (const r of own) text = text.replace(r, ' ');
    // a URL, an e-mail address or a host name is an address, not words; an id (snake_case, dotted.name, camelCase, a uuid) is not a word either
    const words =
      text
        .replace(/\b[\w.+-]+@[\w.-]+\b|https?:\/\/\S+|\b(?:[\w*-]+\.)+[a-z]{2,}\b/g, '')
        .replace(/\b\w*_\w*\b|\b\w+(?:\.\w+)+\b|\b[a-z]+[A-Z]\w*\b|\b[0-9a-f]{8}-[0-9a-f-]{27}\b/g, '')
        .match(/[A-Za-z]{3,}/g) ?? [];
    const bad = words.filter((w) => !allowed.has(w.toLowerCase()));
    if (bad.length) found.add(`${bad.join(' ')} — "${shown.text.slice(0, 100)}" (${where})`);
  }
  return [...found];
}

/** Wait until the page has loaded what it shows: no "正在加载…" left, the network quiet. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
  await expect.poll(() => page.getByText(/^正在加载/).count(), { timeout: 15_000 }).toBe(0);
}

let app: App;
let page: Page;
/** the server the pages come from */
let base = '';
const allowed = new Set(allowList.map((w) => w.toLowerCase()));
/** the workspace's own texts, each as a pattern that matches it whole (not inside a longer word) */
let own: RegExp[] = [];
let recallId = '';
let allKindsId = '';
const contacts = [
  { type: 'identify', userId: 'lin', traits: { name: '林', phone: '+8613800000001', registered_at: new Date(T0 - 2 * DAY).toISOString() } },
  { type: 'identify', userId: 'wang', traits: { name: '王', phone: '+8613800000002', registered_at: new Date(T0 - 2 * DAY).toISOString() } },
  { type: 'track', userId: 'wang', event: 'app_login', messageId: 'login-wang' },
];

beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: T0, signedIn: false, locale: 'zh-CN', seed: 18 });
  page = app.page;
  base = app.url;
  // the Recall blueprint, live: a 0% holdout so both contacts get the SMS, deferred by the quiet hours first
  const recall = (await app.trpc.journeys.list.query()).find((j) => j.blueprint === BLUEPRINT_1);
  if (!recall) throw new Error('the Recall blueprint was not seeded');
  recallId = recall.id;
  const draft = (await app.trpc.journeys.get.query({ id: recallId })).draft;
  await app.trpc.journeys.publish.mutate({ id: recallId, enrolNow: true });
  await postBatch(app, contacts);
  await app.trpc.dev.advanceClock.mutate({ ms: 12 * HOUR });
  // then a draft change, so the publish dialog has changes to list
  const sms = draft.nodes.find((n) => n.kind === 'send');
  if (sms) sms.title = '召回短信';
  await app.trpc.journeys.saveDraft.mutate({ id: recallId, graph: draft });
  // a journey with one node of every kind (unwired: its problems show too)
  const all = aGraph();
  for (const kind of nodeKindNames) all.node(kind.replace('.', '_'), kind, defaultConfig(kind));
  ({ id: allKindsId } = await app.trpc.journeys.create.mutate({ name: '每种节点各一个' }));
  await app.trpc.journeys.saveDraft.mutate({ id: allKindsId, graph: all.build() });
  own = (await workspaceTexts(app, contacts)).map((s) => new RegExp(`(?<![A-Za-z])${escaped(s)}(?![A-Za-z])`, 'g'));
}, 180_000);
afterAll(async () => {
  await app?.close();
});

/** Visit `path`, let it load, and fail on any English found (softly: the test goes on to its next page, so one run lists them all). */
async function sweep(path: string | null, what: string): Promise<void> {
  if (path !== null) await page.goto(`${base}${path}`);
  await settle(page);
  expect.soft(await englishOn(page, own), what).toEqual([]);
}

describe('every page in Chinese, nothing left in English', () => {
  it('the sign-in page', async () => {
    await sweep('/sign-in', 'sign-in');
    await app.signInAs(testAdmin);
  });

  it('the journeys list', () => sweep('/', 'journeys'));

  it('a journey on the canvas, its numbers and the uplift over its holdout', async () => {
    await page.goto(`${app.url}/journeys/${encodeURIComponent(recallId)}`);
    await waitForCanvas(page);
    await sweep(null, 'canvas');
    await page.getByRole('group', { name: '画布上的数据' }).getByRole('button', { name: '数据' }).click();
    await page.locator('.react-flow__node[data-id="holdout"] .jn__title').click();
    await settle(page);
    await sweep(null, 'funnel and uplift');
    await page.getByRole('group', { name: '画布上的数据' }).getByRole('button', { name: '数据' }).click();
  });

  it('the trace of one contact: every step and its reasons', async () => {
    await page.goto(`${app.url}/journeys/${encodeURIComponent(recallId)}`);
    await waitForCanvas(page);
    await page.getByRole('button', { name: '追踪一个联系人…' }).click();
    const dialog = page.getByRole('dialog', { name: '追踪一个联系人' });
    await dialog.getByLabel('联系人', { exact: true }).fill('lin');
    await dialog.getByRole('button', { name: /^lin/ }).click();
    await dialog.getByRole('button', { name: '追踪', exact: true }).click();
    await dialog.getByRole('list', { name: '追踪步骤' }).waitFor();
    await sweep(null, 'trace');
    await page.keyboard.press('Escape');
  });

  it('the inspector on every node kind, and the problems', async () => {
    await page.goto(`${app.url}/journeys/${encodeURIComponent(allKindsId)}`);
    await waitForCanvas(page);
    const inspector = page.getByRole('region', { name: '检查器' });
    for (const kind of nodeKindNames) {
      await page.locator(`.react-flow__node[data-id="${kind.replace('.', '_')}"] .jn__title`).click();
      await inspector.locator('input, select, textarea').first().waitFor();
      await sweep(null, `inspector: ${kind}`);
    }
    await page.getByRole('tab', { name: /^问题/ }).click();
    await sweep(null, 'problems');
  });

  it('the publish dialog: the changes against the live version', async () => {
    await page.goto(`${app.url}/journeys/${encodeURIComponent(recallId)}`);
    await waitForCanvas(page);
    await page.getByRole('button', { name: '发布', exact: true }).click();
    await page
      .getByRole('dialog')
      .getByRole('list', { name: /改动|变化|变更/ })
      .waitFor();
    await sweep(null, 'publish dialog');
    await page.keyboard.press('Escape');
  });

  it('a published version', () => sweep(`/journeys/${encodeURIComponent(recallId)}/versions/1`, 'version'));

  it('the templates and one template', async () => {
    await sweep('/templates', 'templates');
    await sweep('/templates/recall_sms', 'template editor');
  });

  it('the contacts and a timeline with its policy decisions', async () => {
    await sweep('/contacts', 'contacts');
    await page.goto(`${app.url}/contacts/lin`);
    await page.locator('.ct-decision').first().waitFor();
    await sweep(null, 'contact timeline');
  });

  it('the outbox and the dead letters', async () => {
    await sweep('/outbox', 'outbox');
    await sweep('/dead-letters', 'dead letters');
  });

  it('approvals, the audit log and users', async () => {
    await sweep('/approvals', 'approvals');
    await sweep('/audit', 'audit');
    await sweep('/users', 'users');
  });

  it('settings: the workspace, contact policy and the lending guardrails', async () => {
    await page.goto(`${app.url}/settings`);
    await page.getByRole('form', { name: '编辑联系策略' }).waitFor();
    await sweep(null, 'settings');
  });
});

describe('approvals with requests on them, in Chinese', () => {
  // four-eyes on: the admin's publish and promote are requests, another user approves
  let four: App;
  let journeyRequest = '';
  let promoteRequest = '';
  beforeAll(async () => {
    four = await startApp({ approvals: true, locale: 'zh-CN' });
    const amy = await four.addUser(['approver'], 'amy');
    const approver = trpcClient(four.url, await signIn(four.url, amy.login, amy.password));
    const recall = (await four.trpc.journeys.list.query()).find((j) => j.blueprint === BLUEPRINT_1);
    if (!recall) throw new Error('the Recall blueprint was not seeded');
    const first = await four.trpc.journeys.publish.mutate({ id: recall.id });
    if (!('request' in first)) throw new Error('with four-eyes on, publishing files a request');
    await approver.approvals.approve.mutate({ id: first.request.id });
    const draft = (await four.trpc.journeys.get.query({ id: recall.id })).draft;
    const sms = draft.nodes.find((n) => n.kind === 'send');
    if (sms) sms.title = '召回短信';
    const wait = draft.nodes.find((n) => n.kind === 'wait.duration');
    if (wait) wait.config = { ...wait.config, amount: 3 };
    await four.trpc.journeys.saveDraft.mutate({ id: recall.id, graph: draft });
    const second = await four.trpc.journeys.publish.mutate({ id: recall.id, enrolNow: true });
    if (!('request' in second)) throw new Error('with four-eyes on, publishing files a request');
    journeyRequest = second.request.id;
    const promoted = await four.trpc.templates.promote.mutate({ key: 'recall_sms', variant: 'b' });
    if (!('request' in promoted)) throw new Error('promoting a live template files a request');
    promoteRequest = promoted.request.id;
    page = four.page;
    base = four.url;
    own = (await workspaceTexts(four, [])).map((s) => new RegExp(`(?<![A-Za-z])${escaped(s)}(?![A-Za-z])`, 'g'));
  }, 180_000);
  afterAll(async () => {
    await four?.close();
  });

  it('the approvals list, a publish request with its changes, a promote request', async () => {
    await sweep('/approvals', 'approvals with requests');
    await page.goto(`${four.url}/approvals/${encodeURIComponent(journeyRequest)}`);
    await page.getByRole('list', { name: /改动|变化|变更/ }).waitFor();
    await sweep(null, 'publish request');
    await sweep(`/approvals/${encodeURIComponent(promoteRequest)}`, 'promote request');
  });
});
