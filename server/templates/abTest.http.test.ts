import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { aGraph } from '../../shared/fixtures/builders';
import { HOUR } from '../../shared/util/time';

// Monday 12:00 in Shanghai: no quiet hours
const T0 = Date.UTC(2026, 10, 2, 4, 0);
const N = 2000;

describe('A/B over real sends: variants, tracked links, clicks, stats and the winner', () => {
  let w: HttpWorld;
  let journeyId: string;

  beforeAll(async () => {
    // the sandbox gateway delivers everything; readers tap B's link four times as often as A's
    w = await anHttpWorld(T0, {
      channels: {
        sms: { type: 'sandbox', failure: 0, delivered: 1, responses: [{ event: 'message_clicked', probability: 0.05, variants: { a: 0.05, b: 0.2 }, properties: {}, maxDelayMinutes: 60 }] },
      },
    });
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_application_started' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('done', 'exit', {})
      .then('entry', 'sms')
      .then('sms', 'done')
      .settings({ reentry: { policy: 'never' } })
      .build();
    const { id } = await w.trpc.journeys.create.mutate({ name: 'A/B' });
    journeyId = id;
    expect((await w.trpc.journeys.saveDraft.mutate({ id, graph })).errors).toEqual([]);
    await w.trpc.journeys.publish.mutate({ id });
    for (let from = 0; from < N; from += 500) {
      const batch = Array.from({ length: 500 }, (_, k) => [
        { type: 'identify', userId: `c${from + k}`, traits: { name: `用户${from + k}`, phone: `+86139${String(from + k).padStart(8, '0')}`, limit: 10000 } },
        { type: 'track', userId: `c${from + k}`, event: 'credit_application_started' },
      ]).flat();
      expect((await w.ingest('batch', { batch })).status).toBe(200);
    }
    await w.trpc.dev.advanceClock.mutate({ ms: 2 * HOUR });
  }, 120_000);
  afterAll(() => w?.close());

  const q = <T>(sql: string, ...args: unknown[]) => w.server.db.$client.prepare(sql).all(...args) as T[];

  it('assigns variants by weight, sticky per message, and records them with the template version', () => {
    const rows = q<{ variant: string; n: number; v: number }>(`select variant, count(*) n, max(template_version) v from messages where journey_id = ? group by variant order by variant`, journeyId);
    expect(rows.map((r) => r.variant)).toEqual(['a', 'b']);
    for (const r of rows) expect(r.n).toBeGreaterThan(N * 0.45);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(N);
    expect(rows.every((r) => r.v === 1)).toBe(true);
  });

  it('prints a tracked short link in every SMS, and /l/:code redirects with the UTM tags, counting a message once', async () => {
    const m = q<{ id: number; body: string; variant: string }>(`select id, body, variant from messages where journey_id = ? and id not in (select message_id from clicks) limit 1`, journeyId)[0];
    if (!m) throw new Error('every message was clicked already');
    const short = /http:\/\/localhost:\d+\/l\/([\w-]+)/.exec(m.body);
    expect(short).not.toBeNull();
    const url = `${w.server.url}/l/${short?.[1] ?? ''}`;
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const to = new URL(first.headers.get('location') ?? '');
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ utm_source: 'sms', utm_medium: 'lifecycle', utm_campaign: journeyId, utm_content: m.variant, utm_term: 'sms' });
    await fetch(url, { redirect: 'manual' });
    const clicks = q<{ first: number }>(`select first from clicks where message_id = ? order by id`, m.id);
    expect(clicks.map((c) => c.first)).toEqual([1, 0]);
    expect((await fetch(`${w.server.url}/l/nope-0xxxxx`, { redirect: 'manual' })).status).toBe(404);
  });

  it('reports per-variant sent, unique clicks and rates equal to the raw rows, and names B the winner', async () => {
    const s = await w.trpc.templates.stats.query({ key: 'recall_sms' });
    const raw = (variant: string) => ({
      sent: q<{ n: number }>(`select count(*) n from messages where template = 'recall_sms' and variant = ? and status in ('sent', 'delivered')`, variant)[0]?.n,
      clicks: q<{ n: number }>(`select count(distinct k.message_id) n from clicks k join messages m on m.id = k.message_id where m.template = 'recall_sms' and m.variant = ?`, variant)[0]?.n,
    });
    for (const v of s.variants) expect({ sent: v.sent, clicks: v.clicks }).toEqual(raw(v.key));
    const [a, b] = s.variants;
    expect(a?.key).toBe('a');
    // 5% vs 20% click probability: far apart, both inside their intervals
    expect(a?.clickRate.rate).toBeGreaterThan(0.02);
    expect(a?.clickRate.rate).toBeLessThan(0.09);
    expect(b?.clickRate.rate).toBeGreaterThan(0.15);
    expect((b?.clickRate.low ?? 0) > (a?.clickRate.high ?? 1)).toBe(true);
    expect(b?.vsControl?.clicks?.pValue).toBeLessThan(0.001);
    expect(s.winner?.key).toBe('b');
    // the node's overlay counter is the same unique count
    const metric = q<{ n: number }>(`select coalesce(sum(count), 0) n from metrics where journey_id = ? and node_id = 'sms' and metric = 'clicked'`, journeyId)[0]?.n;
    expect(metric).toBe((a?.clicks ?? 0) + (b?.clicks ?? 0));
  });

  it('promoting the winner makes every new send use it', async () => {
    await w.trpc.templates.promote.mutate({ key: 'recall_sms', variant: 'b' });
    const batch = Array.from({ length: 100 }, (_, k) => [
      { type: 'identify', userId: `late${k}`, traits: { name: `晚${k}`, phone: `+86137${String(k).padStart(8, '0')}` } },
      { type: 'track', userId: `late${k}`, event: 'credit_application_started' },
    ]).flat();
    await w.ingest('batch', { batch });
    await w.trpc.dev.advanceClock.mutate({ ms: HOUR });
    const late = q<{ variant: string; v: number }>(`select m.variant, m.template_version v from messages m join contacts c on c.id = m.contact_id where c.external_id like 'late%'`);
    expect(late).toHaveLength(100);
    expect(late.every((m) => m.variant === 'b' && m.v === 2)).toBe(true);
  });
});
