import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { DAY, HOUR } from '../../shared/util/time';

// Monday 2 Nov 2026, 10:00 in Asia/Shanghai (the workspace's zone): the blueprint's daily entry slot
const T0 = Date.UTC(2026, 10, 2, 2, 0);
const N = 1000;
const userId = (i: number) => `u${String(i).padStart(4, '0')}`;

describe('blueprint 1 (registered, never logged in) end to end over HTTP', () => {
  let w: HttpWorld;
  let journeyId: string;
  const loggedInByHand = new Set<string>();

  beforeAll(async () => {
    w = await anHttpWorld(T0);
    // 1,000 H5 registrations of the last 60 days, in one batch of identify calls
    const batch = Array.from({ length: N }, (_, i) => ({
      type: 'identify',
      userId: userId(i),
      messageId: `reg-${i}`,
      traits: { name: `用户${i}`, phone: `+86138${String(i).padStart(8, '0')}`, registered_at: new Date(T0 - ((i % 60) + 1) * DAY).toISOString(), limit: 20000 },
    }));
    const res = await w.ingest('batch', { batch });
    expect(res).toEqual({ status: 200, body: { success: true, accepted: N, duplicates: 0 } });

    const list = await w.trpc.journeys.list.query();
    const j = list.find((x) => x.blueprint === 'registered_never_logged_in');
    if (!j) throw new Error('blueprint 1 was not seeded');
    journeyId = j.id;
    await w.trpc.journeys.publish.mutate({ id: journeyId, enrolNow: true });

    // day 1: the segment enrols everyone and the SMS goes out
    await w.trpc.dev.advanceClock.mutate({ ms: DAY });
    // a quarter log in by themselves on day 2 (on top of whoever the sandbox SMS brought back)
    const logins = Array.from({ length: N / 4 }, (_, k) => ({ type: 'track', userId: userId(k * 4), event: 'app_login', messageId: `login-${k}` }));
    for (const l of logins) loggedInByHand.add(l.userId);
    expect((await w.ingest('batch', { batch: logins })).status).toBe(200);
    // to day 3 and the wait's timeout: the robo-calls go out
    await w.trpc.dev.advanceClock.mutate({ ms: 2 * DAY + HOUR });
  }, 120_000);

  afterAll(() => w?.close());

  const sentTo = async (channel: string) => {
    const rows = await w.trpc.channels.outbox.query({ journeyId, limit: 5000 });
    const mine = rows.filter((m) => m.channel === channel);
    return { rows: mine, to: mine.map((m) => m.externalId as string) };
  };
  const contactsWhere = (sql: string) => new Set((w.server.db.$client.prepare(sql).all() as { external_id: string }[]).map((r) => r.external_id));

  it('enrols all 1,000 contacts once, 5% into the counted holdout', () => {
    const runs = w.server.db.$client.prepare('select count(*) n, count(distinct contact_id) d from runs').get() as { n: number; d: number };
    expect(runs).toEqual({ n: N, d: N });
    const holdout = contactsWhere(`select c.external_id from runs r join contacts c on c.id = r.contact_id where r.exit_reason = 'holdout'`);
    expect(holdout.size).toBeGreaterThan(20);
    expect(holdout.size).toBeLessThan(90);
  });

  it('sends the recall SMS exactly once to every contact not held out, and to no one else', async () => {
    const sms = await sentTo('sms');
    const holdout = contactsWhere(`select c.external_id from runs r join contacts c on c.id = r.contact_id where r.exit_reason = 'holdout'`);
    expect(new Set(sms.to).size).toBe(sms.to.length);
    expect(sms.to.length).toBe(N - holdout.size);
    for (const id of sms.to) expect(holdout.has(id)).toBe(false);
    expect(sms.rows.every((m) => m.status === 'delivered' || m.status === 'sent')).toBe(true);
    // rendered with the contact's traits, A/B variant recorded
    // variant a greets by name and limit from the identify traits; b is the offer copy
    const a = sms.rows.filter((m) => m.variant === 'a');
    expect(a.every((m) => m.body?.includes(`用户${Number(m.externalId?.slice(1))}，您最高20,000的额度`))).toBe(true);
    expect(sms.rows.filter((m) => m.variant === 'b').every((m) => m.body?.includes('30天免息'))).toBe(true);
    expect(new Set(sms.rows.map((m) => m.variant))).toEqual(new Set(['a', 'b']));
  });

  it('robo-calls exactly those who got the SMS and did not log in within 3 days', async () => {
    const sms = await sentTo('sms');
    const calls = await sentTo('voice');
    const loggedIn = contactsWhere(`select distinct c.external_id from events e join contacts c on c.id = e.contact_id where e.name = 'app_login' and e.at <= ${T0 + 3 * DAY}`);
    for (const id of loggedInByHand) expect(loggedIn.has(id)).toBe(true);
    const expected = sms.to.filter((id) => !loggedIn.has(id)).sort();
    expect([...calls.to].sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(N / 2);
    for (const id of loggedInByHand) expect(calls.to).not.toContain(id);
  });

  it('counts the canvas numbers from the same runs: entered, edges and the recalled exit', async () => {
    const rows = w.server.db.$client.prepare(`select node_id, metric, label, sum(count) n from metrics where journey_id = ? group by node_id, metric, label`).all(journeyId) as {
      node_id: string;
      metric: string;
      label: string;
      n: number;
    }[];
    const n = (node: string, metric: string, label = '') => rows.find((r) => r.node_id === node && r.metric === metric && r.label === label)?.n ?? 0;
    const sms = await sentTo('sms');
    const calls = await sentTo('voice');
    expect(n('entry', 'entered')).toBe(N);
    expect(n('sms_1', 'entered')).toBe(sms.to.length);
    expect(n('call_1', 'entered')).toBe(calls.to.length);
    expect(n('wait_login', 'edge', 'event') + n('wait_login', 'edge', 'timeout')).toBe(sms.to.length);
    expect(n('exit_recalled', 'entered')).toBe(sms.to.length - calls.to.length);
  });
});
