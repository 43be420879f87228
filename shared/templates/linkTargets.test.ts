import { describe, expect, it } from 'vitest';
import { hostAllowed, linkTargetProblem, literalLinkHosts, normaliseHost } from './linkTargets';

describe('link targets', () => {
  it('normalises allow-list entries and refuses what is not a host name', () => {
    expect(normaliseHost(' M.OrangeCredit.Example. ')).toBe('m.orangecredit.example');
    expect(normaliseHost('*.orangecredit.example')).toBe('*.orangecredit.example');
    for (const bad of ['', 'https://x.example', 'x.example/path', 'a b', '*.', '-x.example', 'x.example:8080', 'a\u0000b']) expect(normaliseHost(bad)).toBeNull();
  });

  it('matches hosts exactly, and subdomains under a *. entry only', () => {
    expect(hostAllowed('M.orangecredit.example', ['m.orangecredit.example'])).toBe(true);
    expect(hostAllowed('a.b.orangecredit.example', ['*.orangecredit.example'])).toBe(true);
    expect(hostAllowed('orangecredit.example', ['*.orangecredit.example'])).toBe(false);
    expect(hostAllowed('xorangecredit.example', ['*.orangecredit.example'])).toBe(false);
  });

  it('says why a target is refused, or null', () => {
    expect(linkTargetProblem('https://m.orangecredit.example/x?y=1', ['m.orangecredit.example'])).toBeNull();
    expect(linkTargetProblem('http://anything.example', [])).toBeNull();
    expect(linkTargetProblem('JavaScript:alert(1)', [])).toMatch(/not javascript/);
    expect(linkTargetProblem(' data:text/html,x', [])).toMatch(/not data/);
    expect(linkTargetProblem('not a url', [])).toMatch(/is not a URL/);
    // user:password@ does not smuggle another host past the check
    expect(linkTargetProblem('https://m.orangecredit.example@evil.example/', ['m.orangecredit.example'])).toMatch(/evil\.example is not on/);
  });

  it('collects the hosts copy links to literally', () => {
    const copy = ['{{link "https://m.orangecredit.example/a"}} {{link "https://partner.x.example/b?c=1"}}', '{{~link "https://M.orangecredit.example/z"}} {{link url}} {{link "javascript:x"}}'];
    expect(literalLinkHosts(copy)).toEqual(['m.orangecredit.example', 'partner.x.example']);
  });
});
