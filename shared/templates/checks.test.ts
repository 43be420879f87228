import { describe, expect, it } from 'vitest';
import type { Channel, MessageCategory } from '../journey/channels';
import { checkTemplate, templateHelpers, type TemplateIssue } from './checks';

const chineseCopy = '{{name}}，您最高¥{{money limit}}的额度还在等您，1分钟查看：{{link "https://h5.orange.example/credit"}} 回T退订';

/** Checks one variant `a` of a template; marketing SMS knowing `name` and `limit` unless told otherwise. */
function check(
  parts: Record<string, string>,
  { channel = 'sms', category = 'marketing', known = ['name', 'limit'], linkHosts }: { channel?: Channel; category?: MessageCategory; known?: string[]; linkHosts?: string[] } = {},
): TemplateIssue[] {
  return checkTemplate({ channel, category, variants: [{ key: 'a', parts }], knownVariables: known, linkHosts });
}
const codes = (issues: TemplateIssue[]) => issues.map((i) => i.code);

describe('checkTemplate: clean copy', () => {
  it('accepts the Chinese recall SMS', () => {
    expect(check({ body: chineseCopy })).toEqual([]);
  });

  it('accepts the English twin with every helper', () => {
    const body = '[Orange Credit] {{default name "Hi"}}, up to {{money limit}} until {{date expires}}: {{link "https://h5.orange.example/credit"}} Reply T to opt out';
    expect(check({ body }, { known: ['name', 'limit', 'expires'] })).toEqual([]);
  });

  it('allows the Handlebars built-ins', () => {
    const body = '{{#if name}}{{name}}{{else}}您好{{/if}}{{#unless limit}}!{{/unless}}{{#with name}}{{this}}{{/with}}{{lookup name limit}}{{log "x"}} 回T退订';
    expect(check({ body })).toEqual([]);
  });

  it('exports the renderer’s helpers', () => {
    expect(templateHelpers).toEqual(['link', 'money', 'date', 'default']);
  });
});

describe('checkTemplate: syntax', () => {
  it('an unclosed mustache is an error at the offending token', () => {
    // the lexer reads `name`, skips the space, then cannot read 回 inside a mustache
    expect(check({ body: '您好 {{name 回T退订' })).toEqual([expect.objectContaining({ severity: 'error', code: 'syntax', variant: 'a', part: 'body', line: 1, column: 11 })]);
  });

  it('an unclosed block reports the end of the text, on its line', () => {
    const [issue] = check({ body: '回T退订\n{{#if name}} 您好' });
    expect(issue).toMatchObject({ code: 'syntax', line: 2, column: 16 });
    expect(issue?.message).toMatch(/EOF/);
  });

  it('mismatched blocks point at the opening helper', () => {
    expect(check({ body: '回T退订 {{#if name}}x{{/each}}' })).toEqual([expect.objectContaining({ code: 'syntax', line: 1, column: 9, message: expect.stringContaining("if doesn't match each") })]);
  });

  it('finds the column on a later line after Chinese text', () => {
    expect(check({ body: '【橙子信用】\n您的额度 {{money limit}\n回T退订' })[0]).toMatchObject({ code: 'syntax', line: 2, column: 19 });
  });

  it('reports a syntax error per part and checks the other parts', () => {
    const issues = check({ title: '{{#if}}', body: 'hi {{nmae}}' }, { channel: 'push' });
    expect(issues.map((i) => [i.part, i.code])).toEqual([
      ['title', 'syntax'],
      ['body', 'unknown_variable'],
    ]);
  });

  it('a body that does not parse is not also blamed for its opt-out line', () => {
    expect(codes(check({ body: '{{name' }))).toEqual(['syntax']);
  });
});

describe('checkTemplate: unknown_helper', () => {
  it.each([
    ['a mustache with arguments', '{{fmt limit}} 回T退订', 'fmt', 3],
    ['a mustache with a hash', '{{fmt style="cn"}} 回T退订', 'fmt', 3],
    ['a sub-expression', '{{money (round limit)}} 回T退订', 'round', 10],
    ['a block without arguments', '{{#loud}}hi{{/loud}} 回T退订', 'loud', 4],
    ['a block with arguments', '{{#ifEquals name "x"}}hi{{/ifEquals}} 回T退订', 'ifEquals', 4],
  ])('flags %s', (_, body, name, column) => {
    expect(check({ body })).toEqual([expect.objectContaining({ severity: 'error', code: 'unknown_helper', name, line: 1, column, variant: 'a', part: 'body' })]);
  });

  it('still checks the arguments of an unknown helper', () => {
    expect(check({ body: '{{fmt nmae}} 回T退订' }).map((i) => [i.code, i.name])).toEqual([
      ['unknown_helper', 'fmt'],
      ['unknown_variable', 'nmae'],
    ]);
  });

  it('a bare known helper name is the helper, not a variable', () => {
    expect(check({ body: '{{link}} 回T退订' })).toEqual([]);
  });
});

describe('checkTemplate: unknown_variable', () => {
  it('warns about a misspelt trait and suggests a fallback', () => {
    const [issue] = check({ body: '{{nmae}}，您好 回T退订' });
    expect(issue).toMatchObject({ severity: 'warning', code: 'unknown_variable', name: 'nmae', line: 1, column: 3, variant: 'a', part: 'body' });
    expect(issue?.message).toContain('{{default nmae "…"}}');
  });

  it('checks the variable inside {{default x "…"}}', () => {
    const issues = check({ body: '{{default nmae "您好"}} 回T退订' });
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown_variable', name: 'nmae', column: 11 })]);
    expect(issues[0]?.message).toMatch(/fallback will always show/);
  });

  it('checks helper arguments, hash values, sub-expressions and block conditions', () => {
    const body = '{{money amount}} {{link url tag=campaign}} {{money (default amt 0)}} {{#if vip}}x{{/if}} 回T退订';
    expect(
      check({ body })
        .filter((i) => i.code === 'unknown_variable')
        .map((i) => i.name),
    ).toEqual(['amount', 'url', 'campaign', 'amt', 'vip']);
  });

  it('reads the head of a dotted path', () => {
    expect(check({ body: '{{user.name}} {{name.first}} 回T退订' }).map((i) => i.name)).toEqual(['user']);
  });

  it('ignores @data, this, parent paths, block params and names inside each/with', () => {
    const body = ['{{@index}} {{this}} {{../x}} {{@root.whatever}}', '{{#each loans as |loan|}}{{loan.amount}}{{amount}}{{/each}}', '{{#with name}}{{first}}{{/with}}', '回T退订'].join('\n');
    expect(check({ body }, { known: ['name', 'loans'] })).toEqual([]);
  });

  it('checks {{else}} of an each in the outer context', () => {
    expect(check({ body: '{{#each loans}}{{amount}}{{else}}{{nmae}}{{/each}} 回T退订' }, { known: ['loans'] }).map((i) => i.name)).toEqual(['nmae']);
  });

  it('reports every occurrence with its own position', () => {
    const issues = check({ body: '{{x}}\n  {{x}} 回T退订' });
    expect(issues.map((i) => [i.line, i.column])).toEqual([
      [1, 3],
      [2, 5],
    ]);
  });
});

describe('checkTemplate: missing_opt_out', () => {
  it('a marketing SMS without an opt-out line is an error at the end of the body', () => {
    expect(check({ body: '{{name}}，您的额度还在等您\n{{link "https://h5.orange.example/credit"}}' })).toEqual([
      expect.objectContaining({ severity: 'error', code: 'missing_opt_out', variant: 'a', part: 'body', line: 2, column: 44 }),
    ]);
  });

  it('accepts the English opt-out line', () => {
    expect(check({ body: 'Your limit is waiting. Reply T to opt out' })).toEqual([]);
  });

  it('does not count an opt-out line that renders only sometimes', () => {
    expect(codes(check({ body: '您好{{#if name}} 回T退订{{/if}}' }))).toEqual(['missing_opt_out']);
  });

  it('does not count an opt-out line given as a helper argument', () => {
    expect(codes(check({ body: '您好 {{default name "回T退订"}}' }))).toEqual(['missing_opt_out']);
  });

  it('checks each variant on its own', () => {
    const issues = checkTemplate({
      channel: 'sms',
      category: 'marketing',
      variants: [
        { key: 'a', parts: { body: chineseCopy } },
        { key: 'b', parts: { body: '30天免息，仅限本周五' } },
        { key: 'c', parts: {} },
      ],
      knownVariables: ['name', 'limit'],
    });
    expect(issues.map((i) => [i.variant, i.code])).toEqual([
      ['b', 'missing_opt_out'],
      ['c', 'missing_opt_out'],
    ]);
  });

  it.each([
    ['transactional SMS', 'sms', 'transactional'],
    ['marketing push', 'push', 'marketing'],
    ['marketing voice', 'voice', 'marketing'],
  ] as const)('is not required on %s', (_, channel, category) => {
    expect(check({ body: '您本期应还{{money limit}}' }, { channel, category })).toEqual([]);
  });
});

describe('checkTemplate: untracked_link', () => {
  it('warns about a bare URL in the copy and points at it', () => {
    const issues = check({ body: '{{name}}，点此查看：https://h5.orange.example/credit?from=sms，回T退订' });
    expect(issues).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'untracked_link', name: 'https://h5.orange.example/credit?from=sms', line: 1, column: 15, variant: 'a', part: 'body' }),
    ]);
    expect(issues[0]?.message).toContain('{{link "https://h5.orange.example/credit?from=sms"}}');
  });

  it('a URL given to link as a string literal is tracked', () => {
    expect(check({ body: chineseCopy })).toEqual([]);
  });

  it('finds URLs inside blocks, on later lines, and drops trailing punctuation', () => {
    const body = '{{#if name}}\n  Hi, see HTTP://h5.orange.example/a.\n{{/if}} Reply T to opt out';
    expect(check({ body })).toEqual([expect.objectContaining({ code: 'untracked_link', name: 'HTTP://h5.orange.example/a', line: 2, column: 11 })]);
  });

  it('flags a URL that only starts in the copy and continues with a variable', () => {
    const issues = check({ body: 'https://h5.orange.example/c?u={{name}} 回T退订' });
    expect(issues.map((i) => [i.code, i.name])).toEqual([['untracked_link', 'https://h5.orange.example/c?u=']]);
  });

  it('checks email HTML and push titles', () => {
    expect(codes(check({ subject: 'Hi', html: '<a href="https://h5.orange.example/x">go</a>' }, { channel: 'email' }))).toEqual(['untracked_link']);
    expect(codes(check({ title: 'https://h5.orange.example', body: '' }, { channel: 'push' }))).toEqual(['untracked_link']);
  });

  it('leaves voice scripts and webhook payloads alone: nobody clicks those', () => {
    expect(check({ script: '请访问 https://h5.orange.example' }, { channel: 'voice' })).toEqual([]);
    expect(check({ json: '{"callback": "https://api.partner.example/hook"}' }, { channel: 'webhook' })).toEqual([]);
  });
});

describe('checkTemplate: link_target (only http/https, only allow-listed hosts)', () => {
  const linkHosts = ['h5.orange.example', '*.orangecredit.example'];

  it('accepts allow-listed hosts, exactly or under a *. entry', () => {
    expect(check({ body: chineseCopy }, { linkHosts })).toEqual([]);
    expect(check({ body: '{{link "https://m.orangecredit.example/repay"}} 回T退订' }, { linkHosts })).toEqual([]);
  });

  it('refuses javascript:, data: and other schemes with an error at the literal', () => {
    for (const target of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://h5.orange.example/x']) {
      const issues = check({ body: `看：{{link "${target}"}} 回T退订` }, { linkHosts });
      expect(issues).toEqual([expect.objectContaining({ severity: 'error', code: 'link_target', name: target, line: 1, column: 10 })]);
      expect(issues[0]?.message).toMatch(/must use http or https, not (javascript|data|ftp)/);
    }
    // with no allow-list at all, the scheme is still checked
    expect(codes(check({ body: '{{link "javascript:alert(1)"}} 回T退订' }))).toEqual(['link_target']);
  });

  it('refuses a host not on the list, naming it and where to add it', () => {
    const issues = check({ body: '{{link "https://evil.example/login"}} 回T退订' }, { linkHosts });
    expect(issues).toEqual([expect.objectContaining({ severity: 'error', code: 'link_target', name: 'https://evil.example/login' })]);
    expect(issues[0]?.message).toContain("evil.example is not on the workspace's link allow-list");
    expect(issues[0]?.message).toContain('Settings');
    // *.orangecredit.example covers subdomains, not the bare domain or a look-alike
    expect(codes(check({ body: '{{link "https://orangecredit.example/"}} 回T退订' }, { linkHosts }))).toEqual(['link_target']);
    expect(codes(check({ body: '{{link "https://evilorangecredit.example/"}} 回T退订' }, { linkHosts }))).toEqual(['link_target']);
  });

  it('warns when the target is read from a trait: the redirect checks it on each click', () => {
    const issues = check({ body: '{{link offer_url}} 回T退订' }, { known: ['offer_url'], linkHosts });
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'link_target', name: 'offer_url' })]);
  });
});
