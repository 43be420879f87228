import { describe, expect, it } from 'vitest';
import { TemplateDraft } from '../../shared/templates/draft';
import { withDefaultLocale, withLocale } from './localeCopy';

const draft: TemplateDraft = {
  key: 'recall_sms',
  channel: 'sms',
  name: 'Recall',
  description: '',
  category: 'marketing',
  locale: 'zh-CN',
  variants: [
    { key: 'a', name: 'A', weight: 50, parts: { body: '您好 回T退订' } },
    { key: 'b', name: 'B', weight: 50, parts: { body: '优惠 回T退订' } },
  ],
};

describe('languages in the template editor', () => {
  it('adds a language with empty copy for every variant, and the draft then asks for that copy', () => {
    const d = withLocale(draft, 'en', true);
    expect(d.locales).toEqual(['en']);
    expect(d.variants.map((v) => v.locales)).toEqual([{ en: { body: '' } }, { en: { body: '' } }]);
    expect(TemplateDraft.safeParse(d).success).toBe(true);
    // removing it takes its copy away again, and the draft is as it was
    expect(withLocale(d, 'en', false)).toEqual({ ...draft, locales: [] });
  });

  it('switches the default language without losing words: the copy in the new default moves up, the old default moves aside', () => {
    const d = withLocale(draft, 'en', true);
    const filled = { ...d, variants: d.variants.map((v) => ({ ...v, locales: { en: { body: `Hi ${v.key} Reply T to opt out` } } })) };
    const switched = withDefaultLocale(filled, 'en');
    expect(switched.locale).toBe('en');
    expect(switched.locales).toEqual(['zh-CN']);
    expect(switched.variants[0]).toMatchObject({ parts: { body: 'Hi a Reply T to opt out' }, locales: { 'zh-CN': { body: '您好 回T退订' } } });
    expect(TemplateDraft.safeParse(switched).success).toBe(true);
    // a language the template has no copy in simply becomes the label of the copy there is
    expect(withDefaultLocale(draft, 'en')).toEqual({ ...draft, locale: 'en' });
  });
});
