import { describe, expect, it } from 'vitest';
import { segmentCountText } from './segmentCountText';

describe('segmentCountText', () => {
  it('gives an exact count as the audience size', () => {
    expect(segmentCountText({ count: 1_234_567, capped: false, scanned: 2_000_000 })).toBe('1,234,567 contacts in this segment now');
  });

  it('says a count stopped at the time limit is a lower bound, and over how many contacts', () => {
    expect(segmentCountText({ count: 41_000, capped: true, scanned: 400_000 })).toBe('at least 41,000 contacts in this segment now (counted among the newest 400,000 before the time limit)');
  });
});
