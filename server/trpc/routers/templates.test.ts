import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { aTestWorld, type TestWorld } from '../../testing/harness';
import { aGraph } from '../../../shared/fixtures/builders';
import { loadMessageTemplates } from '../../library/loadLibrary';

/** 12:00 in Shanghai: calls are not held by quiet hours. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld(NOON_SH);
});
afterEach(() => w.close());

async function rejection(p: Promise<unknown>): Promise<TRPCError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TRPCError);
  return e as TRPCError;
}

describe('templates.list', () => {
  it('lists every library template with its metadata and variants, sorted by channel then key, without the copy', async () => {
    const list = await w.caller.templates.list();
    expect(list).toHaveLength(loadMessageTemplates().length);
    const order = list.map((t) => `${t.channel}/${t.key}`);
    expect(order).toEqual([...order].sort());
    expect(list.find((t) => t.key === 'recall_sms')).toEqual({
      key: 'recall_sms',
      channel: 'sms',
      name: 'Recall SMS (中文)',
      description: expect.stringContaining('never logged in'),
      category: 'marketing',
      locale: 'zh-CN',
      variables: ['name', 'limit', 'daily_rate'],
      variants: [
        { key: 'a', name: '关怀型 · 额度在等您', weight: 50 },
        { key: 'b', name: '优惠型 · 30天免息', weight: 50 },
      ],
    });
    expect(JSON.stringify(list)).not.toContain('.hbs');
    expect(list.every((t) => t.variants.every((v) => !('parts' in v)))).toBe(true);
  });
});

describe('templates.preview', () => {
  it('renders the first variant with sample traits, counting characters', async () => {
    const p = await w.caller.templates.preview({ key: 'recall_sms', traits: { name: '张三', limit: 5000, daily_rate: 0.3 } });
    expect(p.variant).toBe('a');
    expect(Object.keys(p.parts)).toEqual(['body']);
    expect(p.parts.body).toContain('张三');
    expect(p.parts.body).toContain('5,000');
    // tracked links carry the preview's UTM tags
    expect(p.parts.body).toContain('utm_content=a');
    expect(p.chars).toBe([...(p.parts.body ?? '')].length);
  });

  it('renders the asked variant, and falls back to the template defaults without traits', async () => {
    const b = await w.caller.templates.preview({ key: 'recall_sms', variant: 'b' });
    expect(b.variant).toBe('b');
    expect(b.parts.body).toContain('30天免息');
    const a = await w.caller.templates.preview({ key: 'recall_sms' });
    expect(a.parts.body).toContain('尊敬的用户');
  });

  it("renders with a contact's traits exactly as the dispatcher sent them", async () => {
    w.services.ingest.ingest([{ type: 'identify', userId: 'u1', traits: { name: '王芳', limit: 8000, phone: '+8613800000000' } }]);
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('call', 'send', { channel: 'voice', template: 'recall_call' })
      .node('done', 'exit', {})
      .then('entry', 'call')
      .then('call', 'done')
      .build();
    const { id } = await w.caller.journeys.create({ name: 'Call' });
    await w.caller.journeys.saveDraft({ id, graph });
    await w.caller.journeys.publish({ id });
    w.services.ingest.ingest([{ type: 'track', userId: 'u1', event: 'credit_rejected' }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    const sent = w.db.$client.prepare(`select body, variant from messages where journey_id = ?`).get(id) as { body: string; variant: string };
    expect(sent.body).toContain('王芳');

    const p = await w.caller.templates.preview({ key: 'recall_call', externalId: 'u1' });
    expect(p).toEqual({ variant: sent.variant, parts: { script: sent.body }, chars: [...sent.body].length });
    // sample traits override the contact's, for a "what if"
    const what = await w.caller.templates.preview({ key: 'recall_call', externalId: 'u1', traits: { limit: 12000 } });
    expect(what.parts.script).toContain('王芳');
    expect(what.parts.script).toContain('12000');
  });

  it('answers NOT_FOUND naming an unknown template, variant or contact', async () => {
    const t = await rejection(w.caller.templates.preview({ key: 'no_such_template' }));
    expect([t.code, t.message]).toEqual(['NOT_FOUND', 'template "no_such_template" does not exist']);
    const v = await rejection(w.caller.templates.preview({ key: 'recall_sms', variant: 'z' }));
    expect(v.code).toBe('NOT_FOUND');
    expect(v.message).toContain('"z"');
    expect(v.message).toContain('"a", "b"');
    const c = await rejection(w.caller.templates.preview({ key: 'recall_sms', externalId: 'ghost' }));
    expect([c.code, c.message]).toEqual(['NOT_FOUND', 'contact "ghost" does not exist']);
  });

  it('rejects malformed input with BAD_REQUEST', async () => {
    expect((await rejection(w.caller.templates.preview({ key: '' }))).code).toBe('BAD_REQUEST');
    // @ts-expect-error: trait values are scalars
    expect((await rejection(w.caller.templates.preview({ key: 'recall_sms', traits: { name: { nested: true } } }))).code).toBe('BAD_REQUEST');
  });
});
