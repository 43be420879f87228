import { describe, expect, it } from 'vitest';
import { promoteConsequence } from './promote';
import { translatorFor } from '../i18n/testing';

const t = translatorFor('en');

describe('what promoting a variant does, in words', () => {
  it('names the new version, the winner at 100% and each other variant dropping to 0% with its copy kept', () => {
    const text = promoteConsequence(
      t,
      [
        { key: 'a', weight: 50 },
        { key: 'b', weight: 30 },
        { key: 'c', weight: 20 },
      ],
      'b',
      4,
    );
    expect(text).toContain('Promote variant B to 100%? This saves version 5, in which every new send uses B.');
    expect(text).toContain('A (now 50%), C (now 20%) drop to 0%: their copy stays in the template');
    expect(text).toContain('The results so far stay under version 4.');
    expect(text).toContain('becomes a request');
  });
  it('speaks of one other variant in the singular', () => {
    expect(
      promoteConsequence(
        t,
        [
          { key: 'a', weight: 50 },
          { key: 'b', weight: 50 },
        ],
        'a',
        1,
      ),
    ).toContain('B (now 50%) drops to 0%: its copy stays in the template, to test again later, but nobody gets it.');
  });
  it('says it in Chinese too', () => {
    const zh = promoteConsequence(
      translatorFor('zh-CN'),
      [
        { key: 'a', weight: 50 },
        { key: 'b', weight: 50 },
      ],
      'a',
      1,
    );
    expect(zh).toContain('将变体 A 提升到 100%？这会保存版本 2');
    expect(zh).toContain('B（当前 50%） 降为 0%');
  });
});
