import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { draw, publishRecallToSignups } from '../testing/recallWorld';
import { DAY, HOUR } from '../../shared/util/time';
import { smsStats } from '../../shared/templates/sms';
import { costOf, unitPrice } from '../../shared/analytics/cost';
import type { Channel } from '../../shared/journey/channels';

// Monday 2 Nov 2026, 14:00 UTC: 22:00 in Shanghai, so the workspace's days and UTC days differ for the evening's rows
const T0 = Date.UTC(2026, 10, 2, 14, 0);
const N = 300;
const TZ = 'Asia/Shanghai';
const dayIn = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));

/** The recall blueprint run for six days; every daily figure must equal the raw rows grouped by the workspace's day. */
describe('journey trends per day in the workspace time zone', () => {
  let w: TestWorld;
  let journeyId = '';
  const q = <T>(sql: string, ...args: unknown[]) => w.db.$client.prepare(sql).all(...args) as T[];
  const byDay = (ats: number[]) => ats.reduce<Record<string, number>>((m, at) => ((m[dayIn(at)] = (m[dayIn(at)] ?? 0) + 1), m), {});
  const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));

  beforeAll(async () => {
    w = aTestWorld(T0);
    w.services.journeys.seedBlueprints('demo');
    journeyId = await publishRecallToSignups(w, N, T0);
    for (let d = 0; d < 6; d++) {
      await w.caller.dev.advanceClock({ ms: 7 * HOUR });
      w.services.ingest.ingest(
        Array.from({ length: N }, (_, i) => i)
          .filter((i) => draw(i, `d${d}`) < 0.1)
          .map((i) => ({ type: 'track' as const, userId: `p${i}`, event: 'app_login' })),
      );
      await w.caller.dev.advanceClock({ ms: 17 * HOUR });
    }
  }, 120_000);
  afterAll(() => w?.close());

  const range = { from: dayIn(T0 - DAY), to: dayIn(T0 + 7 * DAY) };

  it('one row per day of the range, in order, with no gaps', async () => {
    const t = await w.caller.analytics.journeyTrends({ journeyId, ...range });
    expect(t.timezone).toBe(TZ);
    expect(t.days.map((d) => d.day)).toEqual(Array.from({ length: 9 }, (_, i) => dayIn(T0 + (i - 1) * DAY)));
    expect(t.goal).toBe('app_login');
  });

  it('entries, sends by channel, conversions and cost equal the raw rows grouped by the workspace day', async () => {
    const t = await w.caller.analytics.journeyTrends({ journeyId, ...range });
    const series = (f: (d: (typeof t.days)[number]) => number) => nonZero(Object.fromEntries(t.days.map((d) => [d.day, f(d)])));
    expect(series((d) => d.entered)).toEqual(byDay(q<{ at: number }>(`select entered_at at from runs where journey_id = ?`, journeyId).map((r) => r.at)));
    const sent = q<{ at: number; channel: Channel; body: string }>(`select queued_at at, channel, body from messages where journey_id = ? and status in ('sent', 'delivered')`, journeyId);
    expect(new Set(sent.map((m) => dayIn(m.at))).size).toBeGreaterThanOrEqual(2);
    expect(t.channels).toEqual(['sms', 'voice']);
    for (const ch of t.channels)
      expect(
        series((d) => d.sent[ch] ?? 0),
        ch,
      ).toEqual(byDay(sent.filter((m) => m.channel === ch).map((m) => m.at)));
    // billed units per day and channel (SMS parts, one call a call), priced as the dispatcher's counters are
    const units: Record<string, number> = {};
    for (const m of sent) units[`${dayIn(m.at)}/${m.channel}`] = (units[`${dayIn(m.at)}/${m.channel}`] ?? 0) + (m.channel === 'sms' ? smsStats(m.body).parts : 1);
    for (const d of t.days)
      expect(d.cost, d.day).toBeCloseTo(
        t.channels.reduce((s, ch) => s + costOf(ch, units[`${d.day}/${ch}`] ?? 0, unitPrice), 0),
        2,
      );
    const total = (await w.caller.analytics.journeySummary({ journeyId })).byChannel.reduce((s, c) => s + c.cost, 0);
    expect(t.days.reduce((s, d) => s + d.cost, 0)).toBeCloseTo(total, 2);
    const converted = q<{ at: number }>(`select at from conversions where journey_id = ? and node_id = 'entry' and goal = 'app_login'`, journeyId);
    expect(converted.length).toBeGreaterThan(0);
    expect(series((d) => d.converted)).toEqual(byDay(converted.map((r) => r.at)));
  });

  it('one node’s days: its visits, its sends, the conversions credited to it', async () => {
    const t = await w.caller.analytics.journeyTrends({ journeyId, nodeId: 'sms_1', ...range });
    const series = (f: (d: (typeof t.days)[number]) => number) => nonZero(Object.fromEntries(t.days.map((d) => [d.day, f(d)])));
    expect(series((d) => d.entered)).toEqual(
      byDay(q<{ at: number }>(`select p.value ->> 2 at from runs r, json_each(r.path) p where r.journey_id = ? and p.value ->> 0 = 'sms_1'`, journeyId).map((r) => r.at)),
    );
    expect(t.channels).toEqual(['sms']);
    expect(series((d) => d.sent.sms ?? 0)).toEqual(
      byDay(q<{ at: number }>(`select queued_at at from messages where journey_id = ? and node_id = 'sms_1' and status in ('sent', 'delivered')`, journeyId).map((r) => r.at)),
    );
    expect(series((d) => d.converted)).toEqual(byDay(q<{ at: number }>(`select at from conversions where journey_id = ? and node_id = 'sms_1' and goal = 'app_login'`, journeyId).map((r) => r.at)));
    await expect(w.caller.analytics.journeyTrends({ journeyId, nodeId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a template version’s variants per day: sends and the click rate of those sends, with its band, as the raw messages and clicks say', async () => {
    const t = await w.caller.templates.daily({ key: 'recall_sms', ...range });
    const version = (await w.caller.templates.stats({ key: 'recall_sms' })).current;
    expect(t.version).toBe(version);
    expect(t.variants).toEqual(['a', 'b']);
    expect(t.days).toHaveLength(9 * 2);
    const raw = q<{ at: number; variant: string; clicked: number }>(
      `select m.queued_at at, m.variant, exists (select 1 from clicks k where k.message_id = m.id) clicked from messages m
       where m.template = 'recall_sms' and m.template_version = ? and m.status in ('sent', 'delivered')`,
      version,
    );
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.some((m) => m.clicked)).toBe(true);
    for (const d of t.days) {
      const mine = raw.filter((m) => m.variant === d.variant && dayIn(m.at) === d.day);
      const clicks = mine.filter((m) => m.clicked).length;
      expect([d.sent, d.clicks], `${d.day} ${d.variant}`).toEqual([mine.length, clicks]);
      if (d.sent > 0) {
        expect(d.clickRate.rate).toBeCloseTo(clicks / d.sent, 10);
        expect(d.clickRate.low).toBeLessThanOrEqual(d.clickRate.rate as number);
        expect(d.clickRate.high).toBeGreaterThanOrEqual(d.clickRate.rate as number);
      } else expect(d.clickRate.rate).toBeNull();
    }
    await expect(w.caller.templates.daily({ key: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a variant’s daily conversions add up to its conversions in the results table (the same crediting rule), each rate with its band', async () => {
    const t = await w.caller.templates.daily({ key: 'recall_sms', ...range });
    const stats = await w.caller.templates.stats({ key: 'recall_sms' });
    const total = (variant: string) => t.days.filter((d) => d.variant === variant).reduce((n, d) => n + d.conversions, 0);
    expect(stats.variants.some((v) => v.conversions > 0)).toBe(true);
    for (const v of stats.variants) expect(total(v.key), v.key).toBe(v.conversions);
    for (const d of t.days) {
      expect(d.conversions).toBeLessThanOrEqual(d.sent);
      if (d.sent > 0) expect(d.conversionRate.rate).toBeCloseTo(d.conversions / d.sent, 10);
      else expect(d.conversionRate.rate).toBeNull();
    }
  });

  it('without a range: the 14 days to today', async () => {
    const t = await w.caller.analytics.journeyTrends({ journeyId });
    expect(t.days).toHaveLength(14);
    expect(t.days.at(-1)?.day).toBe(dayIn(T0 + 6 * DAY));
  });

  it('bad input names what is wrong', async () => {
    await expect(w.caller.analytics.journeyTrends({ journeyId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(w.caller.analytics.journeyTrends({ journeyId, from: '2026-11-10', to: '2026-11-01' })).rejects.toThrow(/from must not be after to/);
    await expect(w.caller.analytics.journeyTrends({ journeyId, from: '2024-01-01', to: '2026-11-01' })).rejects.toThrow(/at most 366 days/);
  });
});
