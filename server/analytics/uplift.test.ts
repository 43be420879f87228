import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { draw, publishRecallToSignups } from '../testing/recallWorld';
import { DAY, HOUR } from '../../shared/util/time';
import { uplift } from '../../shared/analytics/stats';
import { inGlobalControl } from '../../shared/analytics/globalControl';

// Monday 2 Nov 2026, 04:00 UTC (noon in Shanghai)
const T0 = Date.UTC(2026, 10, 2, 4, 7);
const N = 500;
const CONTROL = 10;

/**
 * The recall blueprint (5% holdout, A/B SMS, wait for login, robo-call) run
 * for a week over a population where the treated log in a little more often
 * than the rest, with a 10% global control group. Every figure of the uplift
 * reports must equal what the raw runs, events and messages say.
 */
describe('uplift over the holdout and the global control group reconciles with the raw rows', () => {
  let w: TestWorld;
  let journeyId = '';
  const q = <T>(sql: string, ...args: unknown[]) => w.db.$client.prepare(sql).all(...args) as T[];
  const one = (sql: string, ...args: unknown[]) => q<{ n: number }>(sql, ...args)[0]?.n ?? 0;

  beforeAll(async () => {
    w = aTestWorld(T0);
    w.services.journeys.seedBlueprints('demo');
    await w.caller.policy.set({ ...(await w.caller.policy.get()), globalControl: CONTROL });
    journeyId = await publishRecallToSignups(w, N, T0);
    for (let d = 0; d < 7; d++) {
      await w.caller.dev.advanceClock({ ms: 9 * HOUR + 13 * 60_000 });
      // who got an SMS logs in more often: the journey has an effect to find
      const sms = new Set(q<{ external_id: string }>(`select c.external_id from messages m join contacts c on c.id = m.contact_id where m.status in ('sent', 'delivered')`).map((r) => r.external_id));
      const acts = [];
      for (let i = 0; i < N; i++) {
        const r = draw(i, `day${d}`);
        if (r < (sms.has(`p${i}`) ? 0.12 : 0.04)) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'app_login' });
        else if (r > 0.96) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'credit_application_started' });
        else if (r > 0.94) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'loan_drawn' });
      }
      w.services.ingest.ingest(acts);
      await w.caller.dev.advanceClock({ ms: 14 * HOUR + 47 * 60_000 });
    }
  }, 120_000);
  afterAll(() => w?.close());

  /** contacts who did `event` within `window` days after passing `node`, by whether the run was held out there */
  const rawConverted = (node: string, event: string, windowDays: number, leaveOutControl = true) => {
    const rows = q<{ held: number; contact_id: number }>(
      `select distinct (r.exit_reason = 'holdout' and r.node_id = ?) held, r.contact_id
       from runs r, json_each(r.path) p
       where r.journey_id = ? and p.value ->> 0 = ?
         and exists (select 1 from events e where e.contact_id = r.contact_id and e.name = ? and e.at >= p.value ->> 2 and e.at <= (p.value ->> 2) + ?)`,
      node,
      journeyId,
      node,
      event,
      windowDays * DAY,
    ).filter((x) => !leaveOutControl || !inGlobalControl(x.contact_id, CONTROL));
    return [
      { held: 0, n: rows.filter((x) => !x.held).length },
      { held: 1, n: rows.filter((x) => x.held).length },
    ];
  };

  it('the simulation has both arms, conversions in both, and a control group that got no marketing', () => {
    expect(one(`select count(*) n from runs where exit_reason = 'holdout'`)).toBeGreaterThan(5);
    expect(one(`select count(*) n from conversions where node_id = 'holdout'`)).toBeGreaterThan(20);
    const suppressed = q<{ contact_id: number; reason: string }>(`select contact_id, reason from messages where status = 'suppressed'`);
    expect(suppressed.filter((m) => m.reason === 'global_control').length).toBeGreaterThan(10);
    const sent = q<{ contact_id: number }>(`select contact_id from messages where status in ('sent', 'delivered')`);
    expect(sent.filter((m) => inGlobalControl(m.contact_id, CONTROL))).toEqual([]);
  });

  it('holdout: arm sizes, per-step conversions and the statistics equal the raw runs and events', async () => {
    const r = await w.caller.analytics.holdoutUplift({ journeyId });
    expect(r).toMatchObject({ nodeId: 'holdout', against: 'holdout', percent: 5, windowDays: 7 });
    // the global control group got no marketing in either arm: both arms leave it out
    const runs = q<{ contact_id: number; held: number }>(
      `select r.contact_id, (r.status = 'exited' and r.exit_reason = 'holdout' and r.node_id = 'holdout') held from runs r, json_each(r.path) p where r.journey_id = ? and p.value ->> 0 = 'holdout'`,
      journeyId,
    );
    const kept = runs.filter((x) => !inGlobalControl(x.contact_id, CONTROL));
    const heldOut = kept.filter((x) => x.held).length;
    const passed = kept.length;
    expect(r.excludedGlobalControl).toBe(runs.length - kept.length);
    expect(r.excludedGlobalControl).toBeGreaterThan(0);
    expect(r.control).toBe(heldOut);
    expect(r.treated).toBe(passed - heldOut);
    expect(r.steps.map((s) => s.event)).toEqual(['app_login', 'credit_application_started', 'loan_drawn']);
    expect(r.steps.map((s) => s.label)).toEqual(['logged in', 'applied', 'drawn']);
    const summary = await w.caller.analytics.journeySummary({ journeyId });
    expect(r.cost).toBeCloseTo(
      summary.byChannel.reduce((s, c) => s + c.cost, 0),
      2,
    );
    expect(r.cost).toBeGreaterThan(0);
    for (const s of r.steps) {
      const raw = rawConverted('holdout', s.event, 7);
      const treated = raw.find((x) => !x.held)?.n ?? 0;
      const held = raw.find((x) => x.held)?.n ?? 0;
      expect([s.treated.x, s.holdout.x], s.event).toEqual([treated, held]);
      expect(s).toEqual({ event: s.event, label: s.label, ...uplift({ x: treated, n: passed - heldOut }, { x: held, n: heldOut }, { cost: r.cost }) });
    }
    const login = r.steps[0];
    expect(login?.treated.x).toBeGreaterThan(0);
    // a 5% holdout of a few hundred contacts cannot pin a few points of uplift down: it says so, with the sample it needs
    expect(r.steps.some((s) => !s.enoughData && (s.neededPerArm ?? 0) > r.control)).toBe(true);
  });

  it('the funnel and summary panels learn where the holdout is, to show the uplift there', async () => {
    expect((await w.caller.analytics.nodeFunnel({ journeyId, nodeId: 'holdout' })).holdout).toBe(5);
    expect((await w.caller.analytics.nodeFunnel({ journeyId, nodeId: 'sms_1' })).holdout).toBeNull();
    expect((await w.caller.analytics.journeySummary({ journeyId })).holdoutSplit).toEqual({ nodeId: 'holdout', title: 'Holdout 5%', percent: 5 });
    const idle = (await w.caller.journeys.list()).find((x) => x.blueprint === 'logged_in_idle');
    expect((await w.caller.analytics.journeySummary({ journeyId: idle?.id ?? '' })).holdoutSplit).toBeNull();
  });

  it('a date range narrows both arms to the contacts who passed the split on those days', async () => {
    const day1 = new Date(T0).toISOString().slice(0, 10);
    const r = await w.caller.analytics.holdoutUplift({ journeyId, nodeId: 'holdout', from: day1, to: day1 });
    const start = Date.parse(`${day1}T00:00:00Z`);
    const passed = (held: boolean) =>
      q<{ contact_id: number }>(
        `select r.contact_id from runs r, json_each(r.path) p where r.journey_id = ? and p.value ->> 0 = 'holdout' and p.value ->> 2 >= ? and p.value ->> 2 < ? and (r.exit_reason = 'holdout') = ?`,
        journeyId,
        start,
        start + DAY,
        held ? 1 : 0,
      ).filter((x) => !inGlobalControl(x.contact_id, CONTROL)).length;
    expect([r.treated, r.control]).toEqual([passed(false), passed(true)]);
    const all = await w.caller.analytics.holdoutUplift({ journeyId });
    expect(r.treated).toBeLessThanOrEqual(all.treated);
  });

  it('global control: entrants inside and outside the group, and their conversions at the entry, equal the raw rows', async () => {
    const r = await w.caller.analytics.globalControlUplift({ journeyId });
    if (!r) throw new Error('a global control group is set');
    const entrants = q<{ contact_id: number }>(`select contact_id from runs where journey_id = ?`, journeyId);
    const inside = entrants.filter((e) => inGlobalControl(e.contact_id, CONTROL)).length;
    expect([r.treated, r.control]).toEqual([entrants.length - inside, inside]);
    expect(r.control).toBeGreaterThan(10);
    for (const s of r.steps) {
      const raw = q<{ contact_id: number }>(
        `select distinct r.contact_id from runs r, json_each(r.path) p where r.journey_id = ? and p.value ->> 0 = 'entry'
         and exists (select 1 from events e where e.contact_id = r.contact_id and e.name = ? and e.at >= p.value ->> 2 and e.at <= (p.value ->> 2) + ?)`,
        journeyId,
        s.event,
        7 * DAY,
      );
      const held = raw.filter((x) => inGlobalControl(x.contact_id, CONTROL)).length;
      expect([s.treated.x, s.holdout.x], s.event).toEqual([raw.length - held, held]);
    }
  });

  it('without a global control group there is nothing to compare', async () => {
    const policy = await w.caller.policy.get();
    const { globalControl: _, ...without } = policy;
    await w.caller.policy.set(without);
    expect(await w.caller.analytics.globalControlUplift({ journeyId })).toBeNull();
    // and the holdout's arms are everyone again, from the runner's counters
    const r = await w.caller.analytics.holdoutUplift({ journeyId });
    expect(r.excludedGlobalControl).toBe(0);
    expect(r.control).toBe(one(`select count(*) n from runs where journey_id = ? and status = 'exited' and exit_reason = 'holdout' and node_id = 'holdout'`, journeyId));
    expect(r.treated + r.control).toBe(one(`select count(*) n from runs r, json_each(r.path) p where r.journey_id = ? and p.value ->> 0 = 'holdout'`, journeyId));
    for (const step of r.steps) {
      const raw = rawConverted('holdout', step.event, 7, false);
      expect([step.treated.x, step.holdout.x], step.event).toEqual([raw[0]?.n, raw[1]?.n]);
    }
    await w.caller.policy.set(policy);
  });

  it('bad input names what is wrong', async () => {
    await expect(w.caller.analytics.holdoutUplift({ journeyId, nodeId: 'sms_1' })).rejects.toThrow(/node "sms_1" is not a random split with a holdout arm/);
    await expect(w.caller.analytics.holdoutUplift({ journeyId, nodeId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(w.caller.analytics.holdoutUplift({ journeyId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const idle = (await w.caller.journeys.list()).find((x) => x.blueprint === 'logged_in_idle');
    await expect(w.caller.analytics.holdoutUplift({ journeyId: idle?.id ?? '' })).rejects.toThrow(/has no random split with a holdout arm/);
  });
});
