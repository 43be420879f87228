import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { GlobalControlField, globalControlWords } from './GlobalControlField';

describe('global control group setting', () => {
  it('reads in words, set or not', () => {
    expect(globalControlWords(5)).toMatch(/^Global control group: 5 % of contacts \(always the same ones\) get no marketing at all/);
    expect(globalControlWords(undefined)).toBe('No global control group: everyone can be marketed to.');
  });
  it('a number field from 0 to 50 %, 0 when unset', () => {
    const html = renderToStaticMarkup(<GlobalControlField value={undefined} onChange={() => undefined} />);
    expect(html).toContain('type="number"');
    expect(html).toContain('max="50"');
    expect(html).toContain('value="0"');
  });
});
