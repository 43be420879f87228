/**
 * 中文优先 (issue 18): the main operator flow once in Simplified Chinese, as a
 * Chinese operations team meets it. The browser speaks zh-CN and the account
 * has no language saved, so the UI picks Chinese from the browser; the
 * operator signs in, opens the journeys, opens one on the canvas, adds a node
 * from the palette and reads the inspector, every step found by its Chinese
 * role and name. The header's switcher then saves English on the account,
 * which wins over the browser after a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BLUEPRINT_1, startApp, waitForCanvas, type App } from './harness';
import { testAdmin } from '../server/testing/signIn';

let app: App;
let page: Page;
let journeyId: string;
beforeAll(async () => {
  app = await startApp({ signedIn: false, locale: 'zh-CN' });
  page = app.page;
  ({ id: journeyId } = await app.trpc.journeys.create.mutate({ name: '召回：注册未登录', blueprint: BLUEPRINT_1 }));
});
afterAll(async () => {
  await app?.close();
});

describe('the operator flow in Chinese', () => {
  it('signs in on a Chinese sign-in page', async () => {
    await page.goto(`${app.url}/`);
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang || navigator.language)).toMatch(/^zh/);
    await page.getByLabel('账号').fill(testAdmin.login);
    await page.getByLabel('密码').fill(testAdmin.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { level: 1, name: '旅程' }).waitFor();
  });

  it('lists the journeys under Chinese navigation, headings and columns', async () => {
    const nav = page.getByRole('navigation', { name: '主导航' });
    for (const name of ['旅程', '模板', '联系人', '设置']) expect(await nav.getByRole('link', { name, exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '新建旅程' }).isVisible()).toBe(true);
    const table = page.getByRole('table', { name: '旅程' });
    for (const name of ['名称', '状态', '版本', '最近修改']) expect(await table.getByRole('columnheader', { name, exact: true }).isVisible()).toBe(true);
    expect(await table.getByText('草稿', { exact: true }).first().isVisible()).toBe(true);
    // relative times through Intl in the chosen locale: "3秒钟前", not "3 seconds ago"
    expect(await table.locator('time').first().textContent()).toMatch(/前$|现在/);
    await page.screenshot({ path: 'e2e/artifacts/i18n-journeys-zh.png' });
  });

  it('opens the journey on the canvas, adds a node from the palette and edits it in the inspector', async () => {
    await page.getByRole('link', { name: '召回：注册未登录' }).click();
    await waitForCanvas(page);
    expect(await page.getByRole('button', { name: '发布' }).isVisible()).toBe(true);
    expect(await page.getByRole('tab', { name: '检查器' }).isVisible()).toBe(true);
    expect(await page.getByRole('tab', { name: /^问题/ }).isVisible()).toBe(true);
    const palette = page.getByRole('navigation', { name: '组件面板' });
    for (const group of ['入口', '等待', '逻辑', '消息', '动作']) expect(await palette.getByRole('region', { name: group }).isVisible()).toBe(true);
    await page.getByRole('region', { name: '检查器' }).getByText('选择一个节点进行编辑').waitFor();

    const before = await page.locator('.react-flow__node').count();
    await palette.getByRole('button', { name: '等待', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(before + 1);

    // the new node is selected: its inspector speaks Chinese, its fields titled from the schema's message ids
    const inspector = page.getByRole('region', { name: '检查器：等待' });
    await inspector.waitFor();
    expect(await inspector.getByText('等待一段固定时间。').isVisible()).toBe(true);
    expect(await inspector.getByLabel('标题').isVisible()).toBe(true);
    expect(await inspector.getByLabel('数量').inputValue()).toBe('1');
    const unit = inspector.getByLabel('单位');
    expect(await unit.locator('option:checked').textContent()).toBe('天');
    await unit.selectOption({ label: '小时' });
    expect(await inspector.getByRole('button', { name: '删除 等待' }).isVisible()).toBe(true);
    // the unwired new node is a compile problem, worded in Chinese from its code
    await page.getByRole('tab', { name: /^问题/ }).click();
    await page.getByText('“等待”没有后续节点。请连接它，或以“退出”节点结束。').first().waitFor();
    await page.screenshot({ path: 'e2e/artifacts/i18n-canvas-zh.png' });
  });

  it('the header switcher saves English on the account, which wins over the browser from then on', async () => {
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('button', { name: 'Publish' }).waitFor();
    await expect.poll(async () => (await app.trpc.users.list.query()).find((u) => u.login === testAdmin.login)?.locale).toBe('en');
    await page.goto(`${app.url}/journeys/${encodeURIComponent(journeyId)}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Journeys', exact: true }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Language' }).inputValue()).toBe('en');
  });

  it('an admin sets the workspace default language in Settings', async () => {
    await page.goto(`${app.url}/settings`);
    const section = page.getByRole('region', { name: 'Language' });
    const select = section.getByLabel('Workspace default');
    expect(await select.inputValue()).toBe('zh-CN');
    await select.selectOption('en');
    await expect.poll(async () => (await app.trpc.workspace.get.query()).locale).toBe('en');
  });
});
