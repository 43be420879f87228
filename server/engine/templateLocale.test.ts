import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { MINUTE } from '../../shared/util/time';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
afterEach(() => w.close());

describe('one template, copy per language: the contact’s locale trait picks it at send time', () => {
  it('sends the English copy to an English speaker, the Chinese to the rest, and counts a language the template lacks as a fallback', async () => {
    w = aTestWorld(NOON_SH, { sandbox: silentSms });
    // the library's recall SMS speaks zh-CN and en
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'ping' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms', whenCapped: 'skip' })
      .node('done', 'exit', { reason: 'sent' })
      .then('entry', 'sms')
      .then('sms', 'done')
      .build();
    await w.publish(graph, 'Recall by language');
    const people = [
      ['zh', undefined],
      ['en', 'en-US'],
      ['fr', 'fr-FR'],
      ['zh2', 'zh-Hans-CN'],
    ] as const;
    w.services.ingest.ingest(people.map(([id, locale], i) => ({ type: 'identify' as const, userId: id, traits: { phone: `+861380000000${i}`, name: id, ...(locale ? { locale } : {}) } })));
    w.services.ingest.ingest(people.map(([id]) => ({ type: 'track' as const, userId: id, event: 'ping' })));
    await w.caller.dev.advanceClock({ ms: MINUTE });
    const sent = Object.fromEntries(
      w
        .sql<{ external_id: string; locale: string; body: string }>(
          `select c.external_id, m.locale, m.body from messages m join contacts c on c.id = m.contact_id where m.status in ('sent', 'delivered')`,
        )
        .map((r) => [r.external_id, r]),
    );
    expect(Object.keys(sent).sort()).toEqual(['en', 'fr', 'zh', 'zh2']);
    expect(sent.en).toMatchObject({ locale: 'en', body: expect.stringMatching(/^\[Orange Credit\]/) });
    for (const id of ['zh', 'zh2', 'fr']) expect(sent[id]).toMatchObject({ locale: 'zh-CN', body: expect.stringMatching(/^【橙子信用】/) });
    // the French speaker got the default copy: one fallback, counted by the language asked for; per variant and language sends add up
    const metric = (name: string) => w.sql<{ label: string; n: number }>(`select label, sum(count) n from metrics where metric = ? group by label order by label`, name);
    expect(metric('locale_fallback')).toEqual([{ label: 'fr-FR', n: 1 }]);
    const byLanguage = metric('sent_locale');
    expect(byLanguage.reduce((s, r) => s + r.n, 0)).toBe(4);
    expect(byLanguage.filter((r) => r.label.endsWith(':en')).reduce((s, r) => s + r.n, 0)).toBe(1);
    // the message says which language it asked for
    expect(
      w.sql<{ external_id: string; locale_fallback: string }>(`select c.external_id, m.locale_fallback from messages m join contacts c on c.id = m.contact_id where m.locale_fallback is not null`),
    ).toEqual([{ external_id: 'fr', locale_fallback: 'fr-FR' }]);

    // the template's numbers by language: every send once, in the language it went out in, and the fallback by the language asked
    const stats = await w.caller.templates.localeStats({ key: 'recall_sms' });
    expect(stats).toMatchObject({ key: 'recall_sms', locale: 'zh-CN', locales: ['en'], fallbacks: [{ asked: 'fr-FR', n: 1 }] });
    const sentBy = (locale: string) => stats.rows.filter((r) => r.locale === locale).reduce((s, r) => s + r.sent, 0);
    expect([sentBy('zh-CN'), sentBy('en')]).toEqual([3, 1]);
    const raw = w.sql<{ variant: string; locale: string; n: number }>(`select variant, locale, count(*) n from messages where template = 'recall_sms' group by 1, 2 order by 1, 2`);
    expect(stats.rows.map((r) => ({ variant: r.variant, locale: r.locale, n: r.sent })).sort((a, b) => `${a.variant}${a.locale}`.localeCompare(`${b.variant}${b.locale}`))).toEqual(
      raw.sort((a, b) => `${a.variant}${a.locale}`.localeCompare(`${b.variant}${b.locale}`)),
    );
  });
});
