import { describe, expect, it } from 'vitest';
import { pushFit, pushLimits } from './push';

describe('pushLimits', () => {
  it('holds the observed truncation points', () => {
    expect(pushLimits).toEqual({ ios: { title: 50, body: 178 }, android: { title: 65, body: 240 } });
  });
});

describe('pushFit', () => {
  it('reports one row per platform and part, in a stable order', () => {
    expect(pushFit('您的额度只差一步', 'Your limit is one tap away.')).toEqual([
      { platform: 'ios', part: 'title', length: 8, limit: 50, over: false },
      { platform: 'ios', part: 'body', length: 27, limit: 178, over: false },
      { platform: 'android', part: 'title', length: 8, limit: 65, over: false },
      { platform: 'android', part: 'body', length: 27, limit: 240, over: false },
    ]);
  });

  it('flags a title too long for iOS but not for Android', () => {
    const rows = pushFit('x'.repeat(51), '');
    expect(rows.filter((r) => r.over).map((r) => `${r.platform}.${r.part}`)).toEqual(['ios.title']);
  });

  it('is exact at the limits', () => {
    const atLimit = pushFit('t'.repeat(50), 'b'.repeat(178));
    expect(atLimit.filter((r) => r.platform === 'ios').every((r) => !r.over)).toBe(true);
    const over = pushFit('t'.repeat(66), 'b'.repeat(241));
    expect(over.every((r) => r.over)).toBe(true);
  });

  it('counts code points: an emoji is one character, not two UTF-16 units', () => {
    const title = '💰'.repeat(50);
    expect(title).toHaveLength(100);
    expect(pushFit(title, '')[0]).toEqual({ platform: 'ios', part: 'title', length: 50, limit: 50, over: false });
  });

  it('counts Chinese characters one each', () => {
    const body = '临时周转不用愁'.repeat(26); // 182
    const ios = pushFit('', body).find((r) => r.platform === 'ios' && r.part === 'body');
    expect(ios).toMatchObject({ length: 182, over: true });
  });
});
