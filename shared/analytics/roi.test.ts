import { describe, expect, it } from 'vitest';
import { RoiSettings, roiOf } from './roi';

describe('channel ROI', () => {
  it('revenue is loans × average first loan × margin; ROI is what it earns over what it cost', () => {
    // 12 loans of ¥3,000 at an 8% margin: ¥2,880 earned for ¥720 spent, 3× the spend back on top
    expect(roiOf(720, 12, { firstLoanValue: 3000, margin: 0.08 })).toEqual({ revenue: 2880, roi: 3 });
    expect(roiOf(1000, 0, { firstLoanValue: 3000, margin: 0.08 })).toEqual({ revenue: 0, roi: -1 });
  });
  it('says nothing without settings, and gives no ROI for a free channel', () => {
    expect(roiOf(720, 12, null)).toEqual({ revenue: null, roi: null });
    expect(roiOf(0, 12, { firstLoanValue: 3000, margin: 0.08 })).toEqual({ revenue: 2880, roi: null });
  });
  it('rejects a margin given in percent, naming the field', () => {
    const r = RoiSettings.safeParse({ firstLoanValue: 3000, margin: 8 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['margin'], message: 'the margin is at most 100 % (write 0.08 for 8 %)' });
  });
});
