import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { sendOnEventGraph } from '../../shared/fixtures/builders';
import type { TemplateDraft } from '../../shared/templates/draft';

/** 12:00 in Shanghai: the SMS is not held by quiet hours. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

describe('tracked links go only to http(s) on the workspace allow-list', () => {
  let w: HttpWorld;
  let code = '';
  const sql = (q: string, ...args: unknown[]) => w.server.db.$client.prepare(q).run(...args);
  const clicks = () => (w.server.db.$client.prepare('select count(*) n from clicks').get() as { n: number }).n;
  const follow = (c = code) => fetch(`${w.server.url}/l/${c}`, { redirect: 'manual' });

  beforeAll(async () => {
    w = await anHttpWorld(NOON_SH);
    const { id } = await w.trpc.journeys.create.mutate({ name: 'Links' });
    await w.trpc.journeys.saveDraft.mutate({ id, graph: sendOnEventGraph() });
    await w.trpc.journeys.publish.mutate({ id });
    expect((await w.ingest('track', { userId: 'a', event: 'credit_rejected' })).status).toBe(200);
    await w.trpc.dev.advanceClock.mutate({ ms: 0 });
    code = (w.server.db.$client.prepare('select code from links').get() as { code: string }).code;
  });
  afterAll(() => w?.close());

  it('defaults to the hosts the shipped templates link to, so the demo works; the redirect carries UTM tags', async () => {
    const defaults = ['m.orangecredit.example', 'partner.bluewhale.example', 'partner.safeharbor.example'];
    expect((await w.trpc.workspace.get.query()).linkHosts).toEqual({ set: [], defaults, effective: defaults });
    const res = await follow();
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/m\.orangecredit\.example\/.*utm_source=sms/);
  });

  it('never redirects to javascript:, data: or a host off the list, and records no click for them', async () => {
    const before = clicks();
    for (const [url, why] of [
      ['javascript:alert(document.cookie)', /must use http or https, not javascript/],
      ['data:text/html,<script>alert(1)</script>', /must use http or https, not data/],
      ['https://evil.example/login', /evil\.example is not on the workspace's link allow-list/],
      ['https://m.orangecredit.example@evil.example/', /evil\.example is not on/],
    ] as const) {
      sql('update links set url = ? where code = ?', url, code);
      const res = await follow();
      expect(res.status).toBe(403);
      expect(res.headers.get('location')).toBeNull();
      const text = await res.text();
      expect(text).toMatch(why);
      // the contact reads it first in Chinese (issue 18)
      expect(text).toMatch(/^此链接无法打开。\n/);
    }
    expect(clicks()).toBe(before);
    const gone = await follow('no-such-code');
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe('此链接不存在或已过期。\nThis link does not exist or has expired.');
  });

  it('follows the admin-set list instead of the defaults; an empty list goes back to them', async () => {
    sql('update links set url = ? where code = ?', 'https://evil.example/ok', code);
    expect(await w.trpc.workspace.setLinkHosts.mutate({ hosts: ['Evil.Example', '*.orangecredit.example'] })).toEqual({
      linkHosts: ['*.orangecredit.example', 'evil.example'],
      effective: ['*.orangecredit.example', 'evil.example'],
    });
    expect((await follow()).status).toBe(302);
    expect((await w.trpc.workspace.setLinkHosts.mutate({ hosts: [] })).effective).toContain('m.orangecredit.example');
    expect((await follow()).status).toBe(403);
  });

  it('refuses an allow-list entry that is not a host name, naming it', async () => {
    const e = await w.trpc.workspace.setLinkHosts.mutate({ hosts: ['ok.example', 'https://x.example/path'] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TRPCClientError);
    expect((e as Error).message).toMatch(/hosts\.1: "https:\/\/x\.example\/path" is not a host name/);
  });

  it('a template whose link targets another scheme or host fails its check, with the reason', async () => {
    const t = await w.trpc.templates.get.query({ key: 'recall_sms' });
    const draft = (body: string): TemplateDraft => ({
      key: t.key,
      channel: t.channel,
      name: t.name,
      description: t.description,
      category: t.category,
      locale: t.locale as TemplateDraft['locale'],
      variants: t.variants.map((v) => ({ ...v, parts: { body } })),
    });
    for (const [target, why] of [
      ['https://evil.example/x', /evil\.example is not on the workspace's link allow-list/],
      ['javascript:alert(1)', /must use http or https, not javascript/],
    ] as const) {
      const e = await w.trpc.templates.save.mutate({ draft: draft(`看：{{link "${target}"}} 回T退订`) }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TRPCClientError);
      expect((e as Error).message).toMatch(why);
    }
    expect((await w.trpc.templates.check.query({ draft: draft('看：{{link "https://m.orangecredit.example/x"}} 回T退订') })).filter((i) => i.severity === 'error')).toEqual([]);
  });
});
