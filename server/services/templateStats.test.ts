import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { DAY } from '../../shared/util/time';
import { sentByVariantSql } from './templateStats';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** credit_rejected → SMS → wait two days for app_login → (timeout) the same SMS again, at most 5 times round; app_login is the primary goal, loan_drawn a second one. */
const recallLoop = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'credit_rejected' })
    .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
    .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 2, unit: 'days' }, maxVisits: 5 })
    .node('done', 'exit', { reason: 'logged_in' })
    .then('entry', 'sms')
    .then('sms', 'wait')
    .then('wait', 'sms', 'timeout')
    .then('wait', 'done', 'event')
    .settings({
      goals: [
        { event: 'app_login', filter: [], windowDays: 7 },
        { event: 'loan_drawn', filter: [], windowDays: 7 },
      ],
    })
    .build();

let w: TestWorld;
beforeEach(() => {
  w = aTestWorld(NOON_SH, { sandbox: silentSms });
});
afterEach(() => w.close());

describe('template stats: conversions', () => {
  it('a contact who got the SMS twice at one node and reached the primary goal is one conversion, credited to the later SMS, as on the canvas', async () => {
    const id = await w.publish(recallLoop(), 'Recall loop');
    w.services.ingest.ingest([
      { type: 'track', userId: 'a', event: 'credit_rejected' },
      { type: 'track', userId: 'b', event: 'credit_rejected' },
    ]);
    await w.caller.dev.advanceClock({ ms: 2 * DAY + 1000 }); // both got the SMS twice
    w.services.ingest.ingest([
      { type: 'track', userId: 'a', event: 'app_login' },
      { type: 'track', userId: 'a', event: 'loan_drawn' },
      // a later goal, not the primary one: the canvas does not count it as a conversion, nor do the variants
      { type: 'track', userId: 'b', event: 'loan_drawn' },
    ]);
    await w.caller.dev.advanceClock({ ms: 0 });

    const rows = w.db.$client
      .prepare(`select c.external_id who, m.variant, m.id from messages m join contacts c on c.id = m.contact_id where m.status in ('sent', 'delivered') order by m.id`)
      .all() as { who: string; variant: string; id: number }[];
    expect(rows.map((r) => r.who)).toEqual(['a', 'b', 'a', 'b']);
    const stats = await w.caller.templates.stats({ key: 'recall_sms' });
    const total = (k: 'sent' | 'conversions') => stats.variants.reduce((n, v) => n + v[k], 0);
    expect(total('sent')).toBe(4);
    expect(total('conversions')).toBe(1);
    // the later SMS's variant gets it, and the node's own conversion count agrees
    const later = rows.filter((r) => r.who === 'a')[1]!;
    expect(stats.variants.find((v) => v.key === later.variant)?.conversions).toBe(1);
    const overlay = await w.caller.analytics.journeyOverlay({ journeyId: id });
    expect(overlay.nodes.sms?.converted).toBe(1);
  });
});

describe('template stats: the index', () => {
  it('counts sends per variant from the index alone, an index of sent messages only, which the runner never writes to', async () => {
    const plan = w.sql<{ detail: string }>(`explain query plan ${sentByVariantSql}`, 'recall_sms', 1);
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH messages USING COVERING INDEX messages_template (template=? AND template_version=? AND variant>?)']);
    const indexes = w.db.$client.pragma('index_list(messages)') as { name: string; partial: number }[];
    expect(indexes.find((i) => i.name === 'messages_template')?.partial).toBe(1);

    await w.publish(recallLoop(), 'Recall loop');
    w.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'credit_rejected' }]);
    w.services.engine.runner.tick(w.clock.now());
    // queued by the runner: no variant yet, so not in the index
    expect(w.sql(`select status, variant from messages`)).toEqual([{ status: 'queued', variant: null }]);
    await w.caller.dev.advanceClock({ ms: 0 });
    expect((await w.caller.templates.stats({ key: 'recall_sms' })).variants.reduce((n, v) => n + v.sent, 0)).toBe(1);
  });
});

describe('template stats per version', () => {
  /** credit_rejected → the recall SMS → exit */
  const oneSms = () =>
    aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' }, 'Recall SMS')
      .node('done', 'exit', { reason: 'sent' })
      .then('entry', 'sms')
      .then('sms', 'done')
      .settings({ reentry: { policy: 'after_exit' }, goals: [{ event: 'app_login', filter: [], windowDays: 7 }] })
      .build();
  const reject = async (...users: string[]) => {
    w.services.ingest.ingest(users.map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })));
    await w.caller.dev.advanceClock({ ms: 0 });
  };

  it('shows the current version by default, each version on its own, and lists every version with its sends', async () => {
    await w.publish(oneSms(), 'One SMS');
    await reject('a', 'b');
    const before = await w.caller.templates.stats({ key: 'recall_sms' });
    const v1 = before.current;
    expect(before.variants.reduce((n, v) => n + v.sent, 0)).toBe(2);
    // promoting writes a new version; sends from now on are that version's
    const promoted = await w.caller.templates.promote({ key: 'recall_sms', variant: 'b' });
    if (!('version' in promoted)) throw new Error('approvals are off in this world');
    await reject('c', 'd', 'e');
    const now = await w.caller.templates.stats({ key: 'recall_sms' });
    expect(now).toMatchObject({ version: promoted.version, current: promoted.version });
    expect(now.variants.map((v) => [v.key, v.sent])).toEqual([
      ['a', 0],
      ['b', 3],
    ]);
    const old = await w.caller.templates.stats({ key: 'recall_sms', version: v1 });
    expect(old.version).toBe(v1);
    expect(old.variants.reduce((n, v) => n + v.sent, 0)).toBe(2);
    const raw = (version: number) => w.sql<{ n: number }>(`select count(*) n from messages where template = 'recall_sms' and template_version = ? and status in ('sent', 'delivered')`, version)[0]?.n;
    expect(now.versions.slice(0, 2).map((x) => [x.version, x.sent])).toEqual([
      [promoted.version, raw(promoted.version)],
      [v1, raw(v1)],
    ]);
    await expect(w.caller.templates.stats({ key: 'recall_sms', version: 999 })).rejects.toThrow(/has no version 999/);
  });

  it('compares two versions: the results of each and the difference in rates with its interval', async () => {
    await w.publish(oneSms(), 'One SMS');
    await reject('a', 'b', 'c', 'd');
    const v1 = (await w.caller.templates.stats({ key: 'recall_sms' })).current;
    const promoted = await w.caller.templates.promote({ key: 'recall_sms', variant: 'a' });
    if (!('version' in promoted)) throw new Error('approvals are off in this world');
    await reject('e', 'f');
    const c = await w.caller.templates.compareVersions({ key: 'recall_sms', a: v1, b: promoted.version });
    expect(c.a.version).toBe(v1);
    expect(c.b.version).toBe(promoted.version);
    const sent = (t: typeof c.a) => t.variants.reduce((n, v) => n + v.sent, 0);
    expect([sent(c.a), sent(c.b)]).toEqual([4, 2]);
    expect(c.clickRate).toMatchObject({ a: 0, b: 0, difference: 0 });
    expect(c.clickRate.lo).toBeLessThan(0);
    expect(c.clickRate.hi).toBeGreaterThan(0);
    await expect(w.caller.templates.compareVersions({ key: 'recall_sms', a: v1, b: v1 })).rejects.toThrow(/two different versions/);
  });

  it('names the journeys that send the template, and from which nodes', async () => {
    const id = await w.publish(oneSms(), 'One SMS');
    const used = await w.caller.templates.usage({ key: 'recall_sms' });
    expect(used.find((u) => u.journeyId === id)).toEqual({ journeyId: id, name: 'One SMS', status: 'live', nodes: [{ id: 'sms', title: 'Recall SMS' }], published: true });
    expect((await w.caller.templates.usage({ key: 'approved_push' })).some((u) => u.journeyId === id)).toBe(false);
    await expect(w.caller.templates.usage({ key: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
