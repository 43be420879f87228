import { describe, expect, it } from 'vitest';
import { pickCopy } from './localeCopy';

describe('pickCopy: the copy a contact gets', () => {
  it('gives the default copy to a contact without a locale trait, and no fallback', () => {
    expect(pickCopy('zh-CN', ['en'], undefined)).toEqual({ locale: 'zh-CN', fallback: null });
    expect(pickCopy('zh-CN', ['en'], '  ')).toEqual({ locale: 'zh-CN', fallback: null });
    expect(pickCopy('zh-CN', ['en'], 42)).toEqual({ locale: 'zh-CN', fallback: null });
  });

  it("reads the trait's language: en-US gets the English copy, zh-Hans-CN the Chinese default", () => {
    expect(pickCopy('zh-CN', ['en'], 'en-US')).toEqual({ locale: 'en', fallback: null });
    expect(pickCopy('zh-CN', ['en'], 'en')).toEqual({ locale: 'en', fallback: null });
    expect(pickCopy('zh-CN', ['en'], 'zh-Hans-CN')).toEqual({ locale: 'zh-CN', fallback: null });
  });

  it('falls back to the default copy when the template lacks the language, and says which language was asked for', () => {
    expect(pickCopy('zh-CN', [], 'en-GB')).toEqual({ locale: 'zh-CN', fallback: 'en' });
    expect(pickCopy('zh-CN', ['en'], 'fr-FR')).toEqual({ locale: 'zh-CN', fallback: 'fr-FR' });
  });
});
