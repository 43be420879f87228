import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { GlobalControlField, globalControlWords } from './GlobalControlField';
import { translatorFor } from '../i18n/testing';

describe('global control group setting', () => {
  it('reads in words, set or not, in either language', () => {
    const en = translatorFor('en');
    expect(globalControlWords(en, 5)).toMatch(/^Global control group: 5 % of contacts \(always the same ones\) get no marketing at all/);
    expect(globalControlWords(en, undefined)).toBe('No global control group: everyone can be marketed to.');
    expect(globalControlWords(translatorFor('zh-CN'), 5)).toMatch(/^全局对照组：5% 的联系人/);
  });
  it('a number field from 0 to 50 %, 0 when unset', () => {
    const html = renderToStaticMarkup(<GlobalControlField value={undefined} onChange={() => undefined} />);
    expect(html).toContain('type="number"');
    expect(html).toContain('max="50"');
    expect(html).toContain('value="0"');
  });
});
