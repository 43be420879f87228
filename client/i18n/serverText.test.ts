import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Locale } from '../../shared/i18n/locales';
import { serverMessageText as english } from '../../shared/i18n/serverMessages';
import { translatorFor } from './testing';
import { errorText, zodIssueText } from './serverText';

const intl = (locale: Locale) => translatorFor(locale);

describe('errorText: a refusal in the reader’s language', () => {
  it('words a server message by its code and params', () => {
    const e = { message: 'journey "j1" does not exist', data: { messageRef: { code: 'not_found', params: { what: 'journey', id: 'j1' } } } };
    expect(errorText(intl('zh-CN'), e)).toBe('旅程“j1”不存在。');
    expect(errorText(intl('en'), e)).toBe('Journey “j1” does not exist.');
  });

  it('words a live-version migration refusal by its code (issue 18)', () => {
    const ref = (code: string, params: object) => ({ message: '', data: { messageRef: { code, params } } });
    expect(errorText(intl('zh-CN'), ref('migrate_unknown_node', { field: 'to', node: 'nowhere', from: 'wait' }))).toBe('无法迁移：节点“nowhere”（由“wait”映射而来）不是新版本中的节点。');
    expect(errorText(intl('zh-CN'), ref('migrate_not_live', { name: '召回', status: 'paused' }))).toBe('旅程“召回”已暂停；只有线上旅程的联系人可以迁移。');
    expect(errorText(intl('en'), ref('migrate_one_version', { name: 'J', count: 1 }))).toBe('Journey “J” has only one published version; publish a new version first.');
  });

  it('words a template refused for its errors by the findings it sends, not their English (issue 18)', () => {
    const issues = [
      { severity: 'error', code: 'link_target', name: 'ftp://x', message: 'a tracked link must use http or https, not ftp', params: { fault: 'scheme', scheme: 'ftp' } },
      { severity: 'warning', code: 'unknown_variable', name: 'x', message: '"x" is not a known variable' },
    ];
    const e = { message: '', data: { messageRef: { code: 'template_errors', params: { name: '召回', count: 1, detail: issues[0]?.message ?? '' } }, details: { issues } } };
    expect(errorText(intl('zh-CN'), e)).toBe('“召回”有 1 个错误：跟踪链接必须使用 http 或 https，不能用 ftp。');
  });

  it('words the CSV reader’s and the exports’ refusals by their codes (issue 18)', () => {
    const ref = (code: string, params: object) => ({ message: '', data: { messageRef: { code, params } } });
    expect(errorText(intl('zh-CN'), ref('csv_empty', { example: 'task_id,outcome,note' }))).toBe('文件是空的：请以表头行开头，例如 task_id,outcome,note。');
    expect(errorText(intl('zh-CN'), ref('csv_bad_line', { problem: 'fields', expected: 6, got: 3, detail: 'columns length is 6, got 3 on line 8' }))).toBe('这一行有 3 个字段，表头有 6 个。');
    expect(errorText(intl('zh-CN'), ref('export_needs_role', { what: 'outbox' }))).toBe('导出发件箱需要分析师角色（发件箱归分析师管理）。');
    expect(errorText(intl('en'), ref('export_needs_role', { what: 'audience' }))).toBe('Exporting an audience needs the analyst or operator role.');
  });

  it('pluralises and selects on the params', () => {
    const ref = (count: number) => ({ message: '', data: { messageRef: { code: 'journey_problems', params: { name: 'J', count, purpose: 'publish' } } } });
    expect(errorText(intl('en'), ref(1))).toBe('“J” has 1 problem; fix it before publishing.');
    expect(errorText(intl('en'), ref(3))).toBe('“J” has 3 problems; fix them before publishing.');
    expect(errorText(intl('zh-CN'), ref(3))).toBe('“J”有 3 个问题；请先修复再发布。');
  });

  it('words each schema issue by its zod code, after its path; a custom check keeps its own words', () => {
    const e = {
      message: '[…]',
      data: {
        messageRef: null,
        issues: [
          { path: 'name', message: 'name is longer than 120 characters', code: 'too_big', params: { origin: 'string', limit: 120, inclusive: 'yes' } },
          { path: '', message: 'bad', code: 'custom', params: {} },
        ],
      },
    };
    expect(errorText(intl('zh-CN'), e)).toBe('name: 最多 120 个字符; bad');
    expect(errorText(intl('en'), e)).toBe('name: At most 120 characters; bad');
  });

  it('keeps the message as sent when the server sent no code (an older server, the network) or a code this build does not know', () => {
    expect(errorText(intl('zh-CN'), { message: 'Failed to fetch' })).toBe('Failed to fetch');
    expect(errorText(intl('zh-CN'), { message: 'x', data: { messageRef: { code: 'from_the_future', params: {} } } })).toBe('x');
    expect(errorText(intl('zh-CN'), null)).toBe('');
  });

  it('the English catalogue says what the server’s English says', () => {
    const params = { name: 'J', count: 2, purpose: 'forecast' } as const;
    expect(english('journey_problems', params)).toBe('"J" has 2 problem(s); fix them for a forecast');
    expect(errorText(intl('en'), { message: '', data: { messageRef: { code: 'journey_problems', params } } })).toBe('“J” has 2 problems; fix them for a forecast.');
  });
});

describe('zodIssueText: a form’s own check, worded like the server’s', () => {
  it('words a number out of range by its limit', () => {
    const r = z.number().max(0.5).safeParse(0.7);
    const issue = r.error?.issues[0];
    if (!issue) throw new Error('expected an issue');
    expect(zodIssueText(intl('zh-CN'), issue)).toBe('不能大于 0.5');
    expect(zodIssueText(intl('en'), issue)).toBe('At most 0.5');
  });
  it('words a refinement that names a server message by it', () => {
    const r = z
      .string()
      .refine(() => false, { params: { messageCode: 'wrong_password' } })
      .safeParse('x');
    const issue = r.error?.issues[0];
    if (!issue) throw new Error('expected an issue');
    expect(zodIssueText(intl('zh-CN'), issue)).toBe('当前密码不正确。');
  });
});
