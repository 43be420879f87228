import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { draw, publishRecallToSignups } from '../testing/recallWorld';
import { HOUR } from '../../shared/util/time';
import { costOf, unitPrice } from '../../shared/analytics/cost';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const N = 300;

/** Channel ROI in the journey summary: cost, conversions, drawn loans, and with the workspace's assumptions revenue and ROI. */
describe('channel ROI per journey', () => {
  let w: TestWorld;
  let journeyId = '';
  const one = (sql: string, ...args: unknown[]) => w.sql<{ n: number }>(sql, ...args)[0]?.n ?? 0;

  beforeAll(async () => {
    w = aTestWorld(T0);
    w.services.journeys.seedBlueprints('demo');
    journeyId = await publishRecallToSignups(w, N, T0);
    for (let d = 0; d < 5; d++) {
      await w.caller.dev.advanceClock({ ms: 8 * HOUR });
      w.services.ingest.ingest(
        Array.from({ length: N }, (_, i) => i)
          .filter((i) => draw(i, `d${d}`) < 0.06)
          .map((i) => ({ type: 'track' as const, userId: `p${i}`, event: draw(i, `e${d}`) < 0.5 ? 'loan_drawn' : 'app_login' })),
      );
      await w.caller.dev.advanceClock({ ms: 16 * HOUR });
    }
  }, 120_000);
  afterAll(() => w?.close());

  it('without the assumptions: cost and loans per channel, no revenue or ROI', async () => {
    expect(await w.caller.analytics.roiSettings()).toBeNull();
    const s = await w.caller.analytics.journeySummary({ journeyId });
    expect(s.roi).toBeNull();
    expect(s.byChannel.length).toBeGreaterThan(0);
    for (const c of s.byChannel) expect(c).toMatchObject({ revenue: null, roi: null });
  });

  it('with them: each channel’s drawn loans (people, from the raw conversions), revenue = loans × first loan × margin, ROI = (revenue − cost) / cost', async () => {
    await w.caller.analytics.setRoiSettings({ firstLoanValue: 3000, margin: 0.08 });
    const s = await w.caller.analytics.journeySummary({ journeyId });
    expect(s.roi).toEqual({ firstLoanValue: 3000, margin: 0.08 });
    for (const c of s.byChannel) {
      const loans = one(
        `select count(distinct contact_id) n from conversions where journey_id = ? and goal = 'loan_drawn' and node_id in (select distinct node_id from messages where journey_id = ? and channel = ?)`,
        journeyId,
        journeyId,
        c.channel,
      );
      expect(c.loans, c.channel).toBe(loans);
      const revenue = Math.round(loans * 3000 * 0.08 * 100) / 100;
      expect(c.revenue).toBe(revenue);
      const cost = costOf(c.channel, c.units, unitPrice);
      expect(c.cost).toBe(cost);
      expect(c.roi).toBeCloseTo((revenue - cost) / cost, 10);
    }
    expect(s.byChannel.some((c) => (c.loans ?? 0) > 0)).toBe(true);
  });

  it('only an admin sets them, and a bad value is named', async () => {
    const viewer = w.as(['viewer'], 'a-viewer').caller;
    await expect(viewer.analytics.setRoiSettings({ firstLoanValue: 1, margin: 0.1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(w.caller.analytics.setRoiSettings({ firstLoanValue: 3000, margin: 8 })).rejects.toThrow(/write 0.08 for 8 %/);
    expect(await w.caller.analytics.roiSettings()).toEqual({ firstLoanValue: 3000, margin: 0.08 });
  });
});
