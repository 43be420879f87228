import { describe, expect, it } from 'vitest';
import { TemplateDraft } from '../../shared/templates/draft';
import { draftProblems } from './draftProblems';
import { translatorFor } from '../i18n/testing';

const t = translatorFor('en');

const blank: TemplateDraft = {
  key: '',
  channel: 'sms',
  name: '',
  description: '',
  category: 'marketing',
  locale: 'zh-CN',
  variants: [{ key: 'a', name: 'Variant A', weight: 100, parts: { body: '' } }],
};
const issuesOf = (d: unknown) => {
  const r = TemplateDraft.safeParse(d);
  return r.success ? [] : r.error.issues;
};

describe('a template draft’s problems, as the editor words them', () => {
  it('lists nothing for a new template before its first edit, though it is not valid yet', () => {
    expect(issuesOf(blank).length).toBeGreaterThan(0);
    expect(draftProblems(t, blank, issuesOf(blank), false)).toEqual([]);
  });

  it('names the field on the page after an edit, never a schema path', () => {
    const d = { ...blank, key: 'Bad Key', name: 'x', variants: [{ key: 'b', name: 'B', weight: 100, parts: { body: 'hi' }, locales: { en: { title: 'x' } } }] };
    const shown = draftProblems(t, d, issuesOf(d), true);
    expect(shown).toContain('Key: must be lower-case letters, digits or _, starting with a letter');
    expect(shown.some((m) => m.startsWith('Variant B body (en): '))).toBe(true);
    expect(shown.every((m) => !m.includes('variants.') && !m.includes('{'))).toBe(true);
  });
  it('names the fields in Chinese for a Chinese reader', () => {
    const d = { ...blank, key: 'Bad Key', name: 'x' };
    expect(draftProblems(translatorFor('zh-CN'), d, issuesOf(d), true).some((m) => m.startsWith('键: '))).toBe(true);
  });
});
