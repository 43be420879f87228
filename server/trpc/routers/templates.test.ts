import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { rejection } from '../../testing/rejection';
import { aGraph, sendOnEventGraph } from '../../../shared/fixtures/builders';
import { loadMessageTemplates } from '../../library/loadLibrary';
import type { TemplateDraft } from '../../../shared/templates/draft';

/** 12:00 in Shanghai: calls are not held by quiet hours. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld(NOON_SH);
});
afterEach(() => w.close());

const draftOf = async (key: string): Promise<TemplateDraft> => {
  const t = await w.caller.templates.get({ key });
  return { key: t.key, channel: t.channel, name: t.name, description: t.description, category: t.category, locale: t.locale as TemplateDraft['locale'], variants: t.variants };
};

describe('the library is imported into the database on first start', () => {
  it('lists every library template at version 1, sorted by channel then key, without the copy', async () => {
    const list = await w.caller.templates.list();
    expect(list).toHaveLength(loadMessageTemplates().length);
    const order = list.map((t) => `${t.channel}/${t.key}`);
    expect(order).toEqual([...order].sort());
    expect(list.find((t) => t.key === 'recall_sms')).toMatchObject({
      channel: 'sms',
      name: 'Recall SMS',
      category: 'marketing',
      locale: 'zh-CN',
      version: 1,
      variants: [
        { key: 'a', name: '关怀型 · 额度在等您', weight: 50 },
        { key: 'b', name: '优惠型 · 30天免息', weight: 50 },
      ],
    });
    expect(list.every((t) => t.variants.every((v) => !('parts' in v)))).toBe(true);
    const t = await w.caller.templates.get({ key: 'recall_sms' });
    expect(t.versions).toEqual([expect.objectContaining({ version: 1, note: 'imported from templates/messages', createdBy: 'library' })]);
  });
});

describe('templates.save: immutable versions, checks that block', () => {
  it('saves an edit as the next version and leaves the old one as it was', async () => {
    const d = await draftOf('recall_sms');
    const before = d.variants[1]?.parts.body;
    // the Chinese copy changes; the English copy stays as it was
    d.variants[1] = {
      ...d.variants[1],
      key: 'b',
      name: '优惠型',
      weight: 50,
      parts: { body: '{{default name "您好"}}，首借30天免息，今天就用：{{link "https://m.orangecredit.example/offer"}} 回T退订' },
    };
    expect(await w.caller.templates.save({ draft: d })).toMatchObject({ version: 2, created: true });
    const t = await w.caller.templates.get({ key: 'recall_sms' });
    expect(t.version).toBe(2);
    expect(t.variants[1]?.parts.body).toContain('首借30天免息');
    const v1 = w.db.$client.prepare(`select variants from template_versions where template_key = 'recall_sms' and version = 1`).get() as { variants: string };
    expect((JSON.parse(v1.variants) as { parts: { body: string } }[])[1]?.parts.body).toBe(before);
    // saving the same content again writes nothing
    expect(await w.caller.templates.save({ draft: d })).toMatchObject({ version: 2, created: false });
  });

  it('refuses a marketing SMS without an opt-out line, an unknown helper, or weights not summing to 100, naming why', async () => {
    const d = await draftOf('recall_sms');
    const noOptOut = { ...d, variants: d.variants.map((v) => ({ ...v, parts: { body: '{{name}}，额度还在等您' } })) };
    const e1 = await rejection(w.caller.templates.save({ draft: noOptOut }));
    expect(e1.code).toBe('BAD_REQUEST');
    expect(e1.message).toMatch(/opt[- ]out|退订/i);
    const badHelper = { ...d, variants: d.variants.map((v) => ({ ...v, parts: { body: '{{shout name}} 回T退订' } })) };
    expect((await rejection(w.caller.templates.save({ draft: badHelper }))).message).toContain('shout');
    const badWeights = { ...d, variants: d.variants.map((v) => ({ ...v, weight: 40 })) };
    expect((await rejection(w.caller.templates.save({ draft: badWeights }))).message).toMatch(/sum to 100/);
    expect((await w.caller.templates.get({ key: 'recall_sms' })).version).toBe(1);
  });

  it('warns about an unknown variable and an untracked link, and saves anyway', async () => {
    const d = await draftOf('recall_sms');
    // Chinese copy only: the English copy goes
    d.variants = d.variants.map(({ key, name, weight }) => ({ key, name, weight, parts: { body: '{{favourite_colour}}，看看：https://h5.orange.example/x 回T退订' } }));
    const r = await w.caller.templates.save({ draft: d });
    expect(r.created).toBe(true);
    expect(r.warnings.map((x) => x.code).sort()).toEqual(['unknown_variable', 'unknown_variable', 'untracked_link', 'untracked_link']);
  });

  it('creates a new template; its channel cannot change later', async () => {
    const draft: TemplateDraft = {
      key: 'winback_push',
      channel: 'push',
      name: 'Win-back push',
      description: '',
      category: 'marketing',
      locale: 'en',
      variants: [{ key: 'a', name: 'A', weight: 100, parts: { title: 'We miss you', body: 'Your limit is still here.' } }],
    };
    expect(await w.caller.templates.save({ draft })).toMatchObject({ version: 1, created: true });
    expect((await w.caller.templates.list()).some((t) => t.key === 'winback_push')).toBe(true);
    const e = await rejection(w.caller.templates.save({ draft: { ...draft, channel: 'sms', variants: [{ key: 'a', name: 'A', weight: 100, parts: { body: 'x 回T退订' } }] } }));
    expect(e.message).toContain('channel cannot change');
    // and a journey can reference it at once (the compiler's catalogue is the database)
    const { id } = await w.caller.journeys.create({ name: 'uses the new template' });
    const graph = aGraph().node('e', 'trigger.event', { event: 'x' }).node('p', 'send', { channel: 'push', template: 'winback_push' }).node('d', 'exit').then('e', 'p').then('p', 'd').build();
    expect((await w.caller.journeys.saveDraft({ id, graph })).errors).toEqual([]);
  });

  it("refuses an SMS or robo-call template without copy in the workspace's language (zh-CN), and accepts it as a second language", async () => {
    const english = {
      key: 'winback_sms',
      channel: 'sms',
      name: 'Win-back SMS',
      description: '',
      category: 'marketing',
      locale: 'en',
      variants: [{ key: 'a', name: 'A', weight: 100, parts: { body: 'We miss you. Reply T to opt out' } }],
    } satisfies TemplateDraft;
    const e = await rejection(w.caller.templates.save({ draft: english }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain("need copy in the workspace's language (zh-CN)");
    expect((await w.caller.templates.list()).some((t) => t.key === 'winback_sms')).toBe(false);
    // the same copy with Chinese beside it is fine, and so is an English-only push
    const both = {
      ...english,
      variants: [{ key: 'a', name: 'A', weight: 100, parts: { body: 'We miss you. Reply T to opt out' }, locales: { 'zh-CN': { body: '想您了 回T退订' } } }],
    } satisfies TemplateDraft;
    expect(await w.caller.templates.save({ draft: both })).toMatchObject({ version: 1, created: true });
  });

  it('promotes a variant to 100% as a new version', async () => {
    expect(await w.caller.templates.promote({ key: 'recall_sms', variant: 'b' })).toEqual({ version: 2 });
    expect((await w.caller.templates.get({ key: 'recall_sms' })).variants.map((v) => [v.key, v.weight])).toEqual([
      ['a', 0],
      ['b', 100],
    ]);
    expect((await rejection(w.caller.templates.promote({ key: 'recall_sms', variant: 'z' }))).code).toBe('NOT_FOUND');
  });
});

describe('templates.preview', () => {
  it('renders every variant of a draft with SMS encoding, parts and cost, and the static issues', async () => {
    const d = await draftOf('recall_sms');
    const p = await w.caller.templates.preview({ draft: d, traits: { name: '张三', limit: 5000, daily_rate: 0.3 }, pricePerPart: 0.05 });
    expect(p.variants.map((v) => v.variant)).toEqual(['a', 'b']);
    const a = p.variants[0];
    expect(a?.parts.body).toContain('张三');
    expect(a?.parts.body).toContain('5,000');
    // links print as short links of a real one's length, so the SMS length and parts are what readers get
    expect(a?.parts.body).toMatch(/http:\/\/localhost:\d+\/l\/[\w-]{10,}/);
    expect(a?.parts.body).not.toContain('utm_');
    expect(a?.sms).toMatchObject({ encoding: 'UCS-2' });
    expect(a?.sms?.costPer10k).toBe(Math.round((a?.sms?.parts ?? 0) * 0.05 * 10_000 * 100) / 100);
    expect(a?.chars).toBe([...(a?.parts.body ?? '')].length);
  });

  it('shows push lengths against each platform', async () => {
    const p = await w.caller.templates.preview({ key: 'approved_push', variant: 'a', locale: 'en' });
    expect(p.variants[0]?.push?.map((f) => `${f.platform}/${f.part}`).sort()).toEqual(['android/body', 'android/title', 'ios/body', 'ios/title']);
  });

  it('previews each language of a template with its own SMS encoding and parts, and names a language it lacks', async () => {
    const zh = await w.caller.templates.preview({ key: 'recall_sms', variant: 'a', traits: { name: '张三', limit: 5000, daily_rate: 0.3 } });
    const en = await w.caller.templates.preview({ key: 'recall_sms', variant: 'a', locale: 'en', traits: { name: 'Zhang', limit: 5000, daily_rate: 0.3 } });
    expect(zh.variants[0]).toMatchObject({ locale: 'zh-CN', sms: { encoding: 'UCS-2' }, error: null });
    expect(en.variants[0]).toMatchObject({ locale: 'en', sms: { encoding: 'GSM-7' }, error: null });
    expect(en.variants[0]?.parts.body).toMatch(/^\[Orange Credit\] Zhang/);
    const d = await draftOf('recall_sms');
    const chineseOnly = { ...d, variants: d.variants.map(({ key, name, weight, parts }) => ({ key, name, weight, parts })) };
    const e = await rejection(w.caller.templates.preview({ draft: chineseOnly, variant: 'a', locale: 'en' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('has no en copy');
  });

  it("renders a stored template with a contact's traits exactly as the dispatcher sent it", async () => {
    w.services.ingest.ingest([{ type: 'identify', userId: 'u1', traits: { name: '王芳', limit: 8000, phone: '+8613800000000' } }]);
    const id = await w.publish(sendOnEventGraph({ node: 'call', channel: 'voice', template: 'recall_call' }), 'Call');
    w.services.ingest.ingest([{ type: 'track', userId: 'u1', event: 'credit_rejected' }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    const sent = w.db.$client.prepare(`select body, variant, template_version from messages where journey_id = ?`).get(id) as { body: string; variant: string; template_version: number };
    expect(sent.body).toContain('王芳');
    expect(sent.template_version).toBe(1);
    const p = await w.caller.templates.preview({ key: 'recall_call', variant: sent.variant, externalId: 'u1' });
    expect(p.variants[0]?.parts).toEqual({ script: sent.body });
  });

  it('answers NOT_FOUND naming an unknown template, variant or contact, and BAD_REQUEST without a template', async () => {
    const t = await rejection(w.caller.templates.preview({ key: 'no_such_template' }));
    expect([t.code, t.message]).toEqual(['NOT_FOUND', 'template "no_such_template" does not exist']);
    const v = await rejection(w.caller.templates.preview({ key: 'recall_sms', variant: 'z' }));
    expect(v.message).toContain('"a", "b"');
    const c = await rejection(w.caller.templates.preview({ key: 'recall_sms', externalId: 'ghost' }));
    expect([c.code, c.message]).toEqual(['NOT_FOUND', 'contact "ghost" does not exist']);
    expect((await rejection(w.caller.templates.preview({}))).code).toBe('BAD_REQUEST');
  });
});

describe('templates.stats', () => {
  it('counts as conversions only the journey’s goals, not its funnel steps', async () => {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_granted' })
      .node('sms', 'send', { channel: 'sms', template: 'approved_sms' })
      .node('wait', 'wait.duration', { amount: 5, unit: 'days' })
      .node('done', 'exit', {})
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'done')
      .settings({ goals: [{ event: 'loan_drawn', filter: [], windowDays: 7 }], funnel: ['app_login', 'loan_drawn'] })
      .build();
    const id = await w.publish(graph, 'Draw');
    w.services.ingest.ingest(
      ['g1', 'g2', 'g3'].flatMap((u) => [
        { type: 'identify' as const, userId: u, traits: { name: u } },
        { type: 'track' as const, userId: u, event: 'credit_granted' },
      ]),
    );
    await w.caller.dev.advanceClock({ ms: 60_000 });
    // g1 only logs in (a funnel step); g2 draws the loan (the goal); g3 does nothing
    w.services.ingest.ingest([
      { type: 'track', userId: 'g1', event: 'app_login' },
      { type: 'track', userId: 'g2', event: 'loan_drawn' },
    ]);
    const credited = w.db.$client.prepare(`select goal, count(*) n from conversions where journey_id = ? group by goal order by goal`).all(id);
    expect(credited).toEqual([expect.objectContaining({ goal: 'app_login' }), expect.objectContaining({ goal: 'loan_drawn' })]);
    const s = await w.caller.templates.stats({ key: 'approved_sms' });
    expect(s.variants.reduce((n, v) => n + v.sent, 0)).toBe(3);
    expect(s.variants.reduce((n, v) => n + v.conversions, 0)).toBe(1);
  });
});
