/**
 * The template editor end to end, as a copywriter lives it: find a
 * single-variant SMS in the library, add variant B at 50/50 and rewrite it,
 * preview both for a real contact (their name, the SMS part count), save a
 * new version; then a journey sends it to a crowd, the sandbox clicks, and
 * the Results table counts each variant exactly as the API does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { aGraph } from '../shared/fixtures/builders';
import { smsStats } from '../shared/templates/sms';
import { postBatch, startApp, type App } from './harness';
import { stepsOfOneStory } from './story';

/** Tuesday 3 Nov 2026, 10:00 in Shanghai (the workspace's zone): inside sending hours, so nothing is deferred. */
const TUESDAY_10AM_SHANGHAI = Date.parse('2026-11-03T10:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * The marketing SMS with a single variant that greets the reader by name
 * (every A/B-tested SMS in templates/messages already has a B): day 3 of the
 * dropped-application journey. Its copy is in zh-CN with an English
 * translation, edited side by side.
 */
const TEMPLATE = 'dropoff_d3_sms';
const TEMPLATE_NAME = 'Dropped step · day 3 SMS';
/** Variant B: the same offer as a question, still with its tracked link and the opt-out line. */
const BODY_B = '【橙子信用】{{default name "您好"}}，只差最后一步啦！现在完成申请，首借7天免息，点此继续：{{link "https://m.orangecredit.example/apply/resume?offer=free7&v=b"}} 回T退订';
const COPYWRITER_CONTACT = { userId: 'tpl-preview-1', name: '欧阳婉清', phone: '+8613900000001', limit: 18000 };
const CROWD = 200;
/** The event that starts the test journey; nothing else sends it. */
const TRIGGER = 'application_step_abandoned';

let app: App;
let page: Page;
beforeAll(async () => {
  app = await startApp({ clock: 'fake', fakeClockStart: TUESDAY_10AM_SHANGHAI });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});
stepsOfOneStory();

/** One variant's rendered preview as the panel shows it. */
async function shownPreview(variant: 'A' | 'B'): Promise<{ body: string; parts: string }> {
  const card = page.getByRole('region', { name: 'Live preview' }).getByRole('article', { name: `Preview of variant ${variant} in zh-CN` });
  return {
    body: (await card.locator('pre').textContent()) ?? '',
    parts: ((await card.getByLabel('SMS parts', { exact: true }).textContent()) ?? '').trim(),
  };
}

/** The Results table's rows: variant key → its numbers as shown. */
async function resultRows(table: Locator): Promise<Record<string, { sent: string; clicks: string; conversions: string }>> {
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((r) => ({
      key: r.getAttribute('data-variant') ?? '',
      sent: r.children[1]?.textContent?.trim() ?? '',
      clicks: r.children[2]?.textContent?.trim() ?? '',
      conversions: r.children[4]?.textContent?.trim() ?? '',
    })),
  );
  return Object.fromEntries(rows.map(({ key, ...n }) => [key, n]));
}

const partsText = (n: number) => `${n} ${n === 1 ? 'part' : 'parts'}`;
const fmt = (n: number) => n.toLocaleString('en-US');

describe('templates: a copywriter adds variant B, previews it for a contact, saves, and reads the results', () => {
  it('has a contact to preview for, arrived through the batch API', async () => {
    const c = COPYWRITER_CONTACT;
    expect(await postBatch(app, [{ type: 'identify', userId: c.userId, messageId: `identify-${c.userId}`, traits: { name: c.name, phone: c.phone, limit: c.limit } }])).toMatchObject({ accepted: 1 });
    expect((await app.trpc.contacts.get.query({ externalId: c.userId })).traits).toMatchObject({ name: c.name, limit: c.limit });
    // the template starts with one variant
    const t = await app.trpc.templates.get.query({ key: TEMPLATE });
    expect(t.variants.map((v) => [v.key, v.weight])).toEqual([['a', 100]]);
    expect(t.version).toBe(1);
  });

  it('finds the SMS template in the library by searching, and opens it', async () => {
    await page.goto(`${app.url}/templates`);
    await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
    // the library is grouped by channel
    for (const ch of ['SMS', 'Push', 'Robo-call']) await page.getByRole('region', { name: `${ch} templates` }).waitFor();
    await app.screenshot('templates-1-library');

    await page.getByRole('searchbox', { name: 'Search templates' }).fill('day 3 SMS');
    const sms = page.getByRole('region', { name: 'SMS templates' });
    const link = sms.getByRole('link', { name: TEMPLATE_NAME, exact: true });
    await link.waitFor();
    // only what matches is left: the day-3 SMS (one template for both languages), no other channel
    await expect.poll(() => page.getByRole('region', { name: / templates$/ }).count()).toBe(1);
    expect(await sms.locator('tbody tr').count()).toBe(1);
    const row = sms.locator('tbody tr', { has: page.getByRole('link', { name: TEMPLATE_NAME, exact: true }) });
    expect(await row.locator('td').nth(1).textContent()).toBe('A 100%');
    await app.screenshot('templates-2-search');

    await link.click();
    await page.waitForURL(`**/templates/${TEMPLATE}`);
    await page.getByRole('heading', { level: 1, name: TEMPLATE_NAME }).waitFor();
    expect(await page.getByRole('region', { name: 'Variants' }).getByRole('article').count()).toBe(1);
    await page.getByRole('region', { name: 'Variant stats' }).getByRole('table', { name: 'Variant results' }).waitFor();
    await app.screenshot('templates-3-editor');
  });

  it('adds variant B, splits the weights 50/50 and rewrites B', async () => {
    const variants = page.getByRole('region', { name: 'Variants' });
    const weights = variants.getByRole('status');
    await variants.getByRole('button', { name: 'Add variant' }).click();
    const b = variants.getByRole('article', { name: 'Variant B' });
    await b.waitFor();
    // B starts as a copy of A at 0%, so the sum is still right
    expect(await b.getByLabel('Weight of variant B', { exact: true }).inputValue()).toBe('0');
    expect(await b.getByLabel('Body of variant B in zh-CN', { exact: true }).inputValue()).toBe(await variants.getByLabel('Body of variant A in zh-CN', { exact: true }).inputValue());
    // the English copy sits beside the Chinese, and B starts with A's too
    const englishA = await variants.getByLabel('Body of variant A in en', { exact: true }).inputValue();
    expect(englishA).toMatch(/Reply T to opt out/);
    expect(await b.getByLabel('Body of variant B in en', { exact: true }).inputValue()).toBe(englishA);

    await variants.getByLabel('Weight of variant A', { exact: true }).fill('50');
    await expect.poll(() => weights.textContent()).toBe('Weights sum to 50% (must be 100)');
    expect(await page.getByRole('button', { name: 'Save new version' }).isDisabled()).toBe(true);
    await b.getByLabel('Weight of variant B', { exact: true }).fill('50');
    await expect.poll(() => weights.textContent()).toBe('Weights sum to 100% ✓');

    await b.getByLabel('Name of variant B', { exact: true }).fill('对话型 · 最后一步');
    await b.getByLabel('Body of variant B in zh-CN', { exact: true }).fill(BODY_B);
    // the opt-out line and a tracked link are there, so the checks have nothing to say
    expect(await b.getByRole('list', { name: 'Checks of variant B' }).count()).toBe(0);
    await page.getByLabel('0 errors', { exact: true }).waitFor();
    await page.getByText('unsaved changes').waitFor();
    expect(await page.getByRole('button', { name: 'Save new version' }).isEnabled()).toBe(true);
    await app.screenshot('templates-4-variant-b');
  });

  it('previews both variants for the contact: their name in the copy and the SMS part count', async () => {
    const c = COPYWRITER_CONTACT;
    const preview = page.getByRole('region', { name: 'Live preview' });
    await preview.getByLabel('Contact (user id)', { exact: true }).fill(c.userId);
    for (const v of ['A', 'B'] as const) {
      await expect.poll(async () => (await shownPreview(v)).body, { message: `variant ${v} greets ${c.name}` }).toContain(`${c.name}，`);
      const shown = await shownPreview(v);
      // the count is the GSM/UCS-2 segmentation of exactly the text shown (Chinese: UCS-2, 70/67 per part)
      expect(shown.parts).toBe(partsText(smsStats(shown.body).parts));
      expect(shown.body).toContain('回T退订');
      expect(shown.body).toMatch(/\/l\/[A-Za-z0-9_-]+/);
    }
    expect((await shownPreview('B')).body).toContain('只差最后一步啦');
    // the English copy beside it, with its own length and SMS part count
    const english = preview.getByRole('article', { name: 'Preview of variant A in en' });
    await expect.poll(async () => (await english.locator('pre').textContent()) ?? '').toMatch(/Reply T to opt out/);
    const englishBody = (await english.locator('pre').textContent()) ?? '';
    expect(((await english.getByLabel('SMS parts', { exact: true }).textContent()) ?? '').trim()).toBe(partsText(smsStats(englishBody).parts));
    expect(await preview.getByRole('alert').count()).toBe(0);
    await app.screenshot('templates-5-preview');
  });

  it('saves version 2 with both variants, and the preview matches what the API renders for that contact', async () => {
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved as v2\./ })
      .waitFor();
    await page.getByRole('region', { name: 'Versions' }).getByText('A 50% · B 50%').waitFor();
    // the Results table has a row for the new variant at once, with nothing sent yet
    const table = page.getByRole('region', { name: 'Variant stats' }).getByRole('table', { name: 'Variant results' });
    await expect.poll(() => resultRows(table)).toEqual({ a: { sent: '0', clicks: '0', conversions: '0' }, b: { sent: '0', clicks: '0', conversions: '0' } });
    await app.screenshot('templates-6-saved');

    const t = await app.trpc.templates.get.query({ key: TEMPLATE });
    expect(t.version).toBe(2);
    expect(t.variants.map((v) => ({ key: v.key, weight: v.weight }))).toEqual([
      { key: 'a', weight: 50 },
      { key: 'b', weight: 50 },
    ]);
    expect(t.variants[1]?.parts.body).toBe(BODY_B);
    // the English copy was saved with it, not dropped by the editor
    expect(t.variants.map((v) => Object.keys(v.locales ?? {}))).toEqual([['en'], ['en']]);
    expect(t.variants[1]?.locales?.en?.body).toBe(t.variants[0]?.locales?.en?.body);

    // the page reloaded the saved version; typing the contact again renders what the server renders
    const api = await app.trpc.templates.preview.query({ key: TEMPLATE, externalId: COPYWRITER_CONTACT.userId });
    await page.getByRole('region', { name: 'Live preview' }).getByLabel('Contact (user id)', { exact: true }).fill(COPYWRITER_CONTACT.userId);
    for (const v of api.variants) {
      const key = v.variant.toUpperCase() as 'A' | 'B';
      await expect.poll(async () => (await shownPreview(key)).body).toBe(v.parts.body);
      expect((await shownPreview(key)).parts).toBe(partsText(v.sms?.parts ?? -1));
    }
  });

  it('sends it to 200 contacts through a journey, and the Results table counts each variant as the API does', async () => {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: TRIGGER }, 'Abandoned an application step')
      .node('sms', 'send', { channel: 'sms', template: TEMPLATE }, 'Day 3 SMS (A/B)')
      .node('done', 'exit', {}, 'Done')
      .then('entry', 'sms')
      .then('sms', 'done')
      .settings({ goals: [{ event: 'app_login', filter: [], windowDays: 7 }] })
      .build();
    const { id } = await app.trpc.journeys.create.mutate({ name: 'Day 3 SMS, A/B' });
    expect((await app.trpc.journeys.saveDraft.mutate({ id, graph })).errors).toEqual([]);
    await app.trpc.journeys.publish.mutate({ id });

    const userIds = Array.from({ length: CROWD }, (_, i) => `tpl-${String(i + 1).padStart(3, '0')}`);
    const now = (await app.trpc.dev.now.query()).now;
    expect(now).toBe(TUESDAY_10AM_SHANGHAI);
    expect(
      await postBatch(app, [
        ...userIds.map((userId, i) => ({ type: 'identify', userId, messageId: `identify-${userId}`, traits: { name: `联系人${i + 1}`, phone: `+86137${String(10_000_000 + i)}` } })),
        ...userIds.map((userId) => ({ type: 'track', userId, event: TRIGGER, messageId: `${TRIGGER}-${userId}`, properties: { step: 'face_check' } })),
      ]),
    ).toMatchObject({ accepted: 2 * CROWD, duplicates: 0 });

    // they enter and the SMS goes out at once; the sandbox's clicks land within two hours
    await app.trpc.dev.advanceClock.mutate({ ms: 10 * MINUTE });
    await app.trpc.dev.advanceClock.mutate({ ms: 3 * HOUR });

    const stats = await app.trpc.templates.stats.query({ key: TEMPLATE });
    const byKey = new Map(stats.variants.map((v) => [v.key, v]));
    expect([...byKey.keys()]).toEqual(['a', 'b']);
    const [a, b] = [byKey.get('a'), byKey.get('b')];
    if (!a || !b) throw new Error('no stats for a or b');
    // everyone got exactly one of the two (sent or delivered), split roughly in half
    expect(a.sent + b.sent).toBe(CROWD);
    expect(Math.min(a.sent, b.sent)).toBeGreaterThan(CROWD / 4);
    expect(a.clicks + b.clicks).toBeGreaterThan(0);
    const outbox = await app.trpc.channels.outbox.query({ journeyId: id, limit: 1000 });
    expect(outbox.filter((m) => m.variant === 'a' && (m.status === 'sent' || m.status === 'delivered'))).toHaveLength(a.sent);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: TEMPLATE_NAME }).waitFor();
    const table = page.getByRole('region', { name: 'Variant stats' }).getByRole('table', { name: 'Variant results' });
    await expect.poll(async () => Object.keys(await resultRows(table))).toEqual(['a', 'b']);
    const shown = await resultRows(table);
    for (const v of [a, b]) expect(shown[v.key], `variant ${v.key}`).toEqual({ sent: fmt(v.sent), clicks: fmt(v.clicks), conversions: fmt(v.conversions) });
    await table.getByRole('rowheader', { name: /^B .*对话型 · 最后一步/ }).waitFor();
    await table.scrollIntoViewIfNeeded();
    await app.screenshot('templates-7-results');

    // by language: the crowd has no locale trait, so every send went out in the template's own zh-CN, and none fell back
    const languages = page.getByRole('region', { name: 'Results by language' });
    const byLanguage = await app.trpc.templates.localeStats.query({ key: TEMPLATE });
    expect(byLanguage.rows.map((r) => [r.variant, r.locale, r.sent])).toEqual([
      ['a', 'zh-CN', a.sent],
      ['b', 'zh-CN', b.sent],
    ]);
    const rows = languages.getByRole('table', { name: 'Sends and clicks by variant and language' }).locator('tbody tr');
    const expected = byLanguage.rows.map((r) => [r.variant.toUpperCase(), r.locale, fmt(r.sent), fmt(r.clicks)].join('|'));
    await expect.poll(async () => (await rows.allInnerTexts()).map((t) => t.split('\t').slice(0, 4).join('|').trim())).toEqual(expected);
    expect(await languages.getByRole('status', { name: 'Language fallbacks' }).textContent()).toContain('Every contact got copy in their language');
  });
});
