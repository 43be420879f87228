import { describe, expect, it } from 'vitest';
import { segmentCountText } from './segmentCountText';
import { translatorFor } from '../i18n/testing';

const t = translatorFor('en');

describe('segmentCountText', () => {
  it('gives an exact count as the audience size', () => {
    expect(segmentCountText(t, { count: 1_234_567, capped: false, scanned: 2_000_000 })).toBe('1,234,567 contacts in this segment now');
  });

  it('says a count stopped at the time limit is a lower bound, and over how many contacts', () => {
    expect(segmentCountText(t, { count: 41_000, capped: true, scanned: 400_000 })).toBe('at least 41,000 contacts in this segment now (counted among the newest 400,000 before the time limit)');
  });
  it('says it in Chinese too', () => {
    expect(segmentCountText(translatorFor('zh-CN'), { count: 41_000, capped: true, scanned: 400_000 })).toBe('当前该分群至少有 41,000 个联系人（在时间限制内统计了最新的 400,000 个）');
  });
});
