import { describe, expect, it } from 'vitest';
import { controlBucket, inGlobalControl } from './globalControl';

describe('global control group membership', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);

  it('holds out about the share asked for', () => {
    const held = ids.filter((id) => inGlobalControl(id, 5)).length;
    // 5% of 20,000 is 1,000; a binomial's 4 standard deviations are ±123
    expect(held).toBeGreaterThan(877);
    expect(held).toBeLessThan(1123);
  });

  it('is stable per contact, and raising the share only adds contacts', () => {
    const at5 = new Set(ids.filter((id) => inGlobalControl(id, 5)));
    const at10 = new Set(ids.filter((id) => inGlobalControl(id, 10)));
    for (const id of at5) expect(at10.has(id)).toBe(true);
    expect(at10.size).toBeGreaterThan(at5.size);
    expect(ids.filter((id) => inGlobalControl(id, 5))).toEqual([...at5]);
  });

  it('holds out nobody at 0 % or when unset, everybody at 100 %', () => {
    expect(ids.some((id) => inGlobalControl(id, 0) || inGlobalControl(id, undefined))).toBe(false);
    expect(ids.every((id) => inGlobalControl(id, 100))).toBe(true);
  });

  it('spreads neighbouring ids over the buckets', () => {
    const buckets = ids.slice(0, 100).map(controlBucket);
    expect(new Set(buckets).size).toBeGreaterThan(95);
    expect(Math.max(...buckets)).toBeLessThan(10_000);
  });
});
