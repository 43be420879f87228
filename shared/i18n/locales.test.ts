import { describe, expect, it } from 'vitest';
import { Locale, matchLocale, resolveLocale } from './locales';

describe('resolveLocale', () => {
  it("takes the user's saved setting over the browser and the workspace", () => {
    expect(resolveLocale({ saved: 'en', browser: ['zh-CN'], workspace: 'zh-CN' })).toBe('en');
    expect(resolveLocale({ saved: 'zh-CN', browser: ['en-US'], workspace: 'en' })).toBe('zh-CN');
  });
  it('without a saved setting, takes the first browser language it speaks', () => {
    expect(resolveLocale({ saved: null, browser: ['fr-FR', 'en-GB', 'zh-CN'], workspace: 'zh-CN' })).toBe('en');
    expect(resolveLocale({ browser: ['zh-Hans-CN'], workspace: 'en' })).toBe('zh-CN');
  });
  it("falls back to the workspace's default, and to zh-CN without one", () => {
    expect(resolveLocale({ browser: ['fr-FR', 'de'], workspace: 'en' })).toBe('en');
    expect(resolveLocale({ browser: [] })).toBe('zh-CN');
  });
});

describe('matchLocale', () => {
  it('maps any Chinese or English tag onto the supported locale, else null', () => {
    expect(matchLocale('zh-TW')).toBe('zh-CN');
    expect(matchLocale('EN_us')).toBe('en');
    expect(matchLocale('ja')).toBeNull();
    expect(matchLocale('')).toBeNull();
  });
  it('the schema names the locales when it refuses one', () => {
    const r = Locale.safeParse('fr');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('zh-CN, en');
  });
});
