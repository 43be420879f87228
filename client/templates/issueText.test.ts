import { describe, expect, it } from 'vitest';
import { checkTemplate, type TemplateIssue } from '../../shared/templates/checks';
import { translatorFor } from '../i18n/testing';
import { templateIssueText } from './issueText';

describe('template checks in the reader’s language', () => {
  const zh = translatorFor('zh-CN');
  it('words an unknown variable, with and without a fallback, by its code and name', () => {
    expect(templateIssueText(zh, { code: 'unknown_variable', name: 'limit', message: '"limit" is not a known variable: …' })).toBe(
      '“limit”不是已知变量：请把它加入模板变量，或用 default 辅助函数给它一个默认值。',
    );
    expect(templateIssueText(zh, { code: 'unknown_variable', name: 'limit', defaulted: true, message: '' })).toBe('“limit”不是已知变量，所以总是显示默认值：请把它加入模板变量。');
  });
  it('words a missing opt-out, an unknown helper and an untracked link; keeps a syntax error as the parser says it', () => {
    expect(templateIssueText(zh, { code: 'missing_opt_out', message: '' })).toBe('营销短信需要退订提示，例如“回T退订”。');
    expect(templateIssueText(zh, { code: 'unknown_helper', name: 'upper', message: '' })).toMatch(/^“upper”不是可用的辅助函数/);
    expect(templateIssueText(zh, { code: 'untracked_link', name: 'https://m.example.com', message: '' })).toMatch(/^https:\/\/m\.example\.com 没有被追踪/);
    expect(templateIssueText(zh, { code: 'syntax', message: 'Handlebars cannot read this: …' })).toBe('Handlebars cannot read this: …');
  });
  it('words a syntax error around the parser’s quoted words, and each link-target fault, by their params (issue 18)', () => {
    const [syntax] = checkTemplate({ channel: 'push', category: 'transactional', variants: [{ key: 'a', parts: { title: 'x', body: '{{#if a}}' } }], knownVariables: ['a'] });
    expect(syntax?.params?.detail).toBeTruthy();
    expect(templateIssueText(zh, syntax as TemplateIssue)).toBe(`此处模板无法解析（解析器提示：${syntax?.params?.detail ?? ''}）。`);
    const links = (body: string, linkHosts: string[]) =>
      checkTemplate({ channel: 'push', category: 'transactional', variants: [{ key: 'a', parts: { title: 'x', body } }], knownVariables: ['offer_url'], linkHosts })
        .filter((i) => i.code === 'link_target')
        .map((i) => templateIssueText(zh, i));
    expect(links('{{link "javascript:alert(1)"}}', [])).toEqual(['跟踪链接必须使用 http 或 https，不能用 javascript。']);
    expect(links('{{link "not a url"}}', [])).toEqual(['“not a url”不是网址：跟踪链接需要完整地址，例如 https://example.com/page。']);
    expect(links('{{link "https://evil.example/"}}', ['m.example.com'])).toEqual(['evil.example 不在工作区的链接白名单（m.example.com）上：请在“设置 → 跟踪链接”中添加，或改为链接到允许的主机。']);
    expect(links('{{link offer_url}}', [])).toEqual(['链接目标来自“offer_url”：只有当它是工作区链接白名单上的 http(s) 地址时，读者才会被跳转。']);
  });
  it('the checker marks an unknown variable read with a fallback, so the page can say the fallback always shows', () => {
    const issues = checkTemplate({ channel: 'push', category: 'transactional', variants: [{ key: 'a', parts: { title: '{{default who "您好"}}', body: '{{who}}' } }], knownVariables: [] });
    expect(issues.filter((i) => i.code === 'unknown_variable').map((i) => [i.part, i.defaulted ?? false])).toEqual([
      ['title', true],
      ['body', false],
    ]);
  });
});
