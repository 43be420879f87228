import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { DAY, HOUR } from '../../shared/util/time';

// 22:30 in Asia/Shanghai: inside the SMS quiet hours
const T0 = Date.UTC(2026, 10, 2, 14, 30);

describe('contacts.timeline: everything that happened to one contact, with each policy decision in words', () => {
  let w: HttpWorld;

  beforeAll(async () => {
    // a gateway that always delivers: the sandbox's 3% undelivered draw would make the history below a coin toss
    w = await anHttpWorld(T0, { channels: { sms: { type: 'sandbox', delivered: 1, failure: 0, responses: [] } } });
    const j = (await w.trpc.journeys.list.query()).find((x) => x.blueprint === 'registered_never_logged_in');
    if (!j) throw new Error('blueprint 1 missing');
    // a 0% holdout so this one contact surely gets the SMS
    const draft = (await w.trpc.journeys.get.query({ id: j.id })).draft;
    const split = draft.nodes.find((n) => n.id === 'holdout');
    if (!split) throw new Error('holdout node missing');
    split.config = { arms: [{ key: 'send', label: 'Send', weight: 100 }], holdout: 0 };
    await w.trpc.journeys.saveDraft.mutate({ id: j.id, graph: draft });
    await w.trpc.journeys.publish.mutate({ id: j.id, enrolNow: true });
    await w.ingest('batch', {
      batch: [
        { type: 'identify', userId: 'lin', traits: { name: '林', phone: '+8613800000001', registered_at: new Date(T0 - 2 * DAY).toISOString() } },
        { type: 'page', userId: 'lin', name: 'H5 register', properties: { path: '/register' }, context: { ip: '10.0.0.1' } },
      ],
    });
    await w.trpc.dev.advanceClock.mutate({ ms: 12 * HOUR });
  }, 60_000);
  afterAll(() => w?.close());

  it('shows the deferral by quiet hours until 09:00 local, then the send, in order', async () => {
    const t = await w.trpc.contacts.timeline.query({ externalId: 'lin' });
    expect(t.contact).toMatchObject({ externalId: 'lin', phone: '+8613800000001', timezone: 'Asia/Shanghai', optOuts: [] });
    const sms = t.messages.find((m) => m.channel === 'sms');
    expect(sms?.status).toBe('delivered');
    expect(sms?.history.map((h) => h.status)).toEqual(['deferred', 'queued', 'sending', 'sent', 'delivered']);
    expect(sms?.history[0]?.decision).toBe('deferred by quiet hours until 09:00 Asia/Shanghai');
    // and by its code, for the client to word in the reader's language
    expect(sms?.history[0]).toMatchObject({ reason: 'quiet_hours:21:00-09:00', until: expect.any(Number) });
    // 09:00 Shanghai = 01:00 UTC the next day
    expect(sms?.history[1]?.at).toBe(Date.UTC(2026, 10, 3, 1, 0));
  });

  it('lists the run, the steps it took and the events with their context', async () => {
    const t = await w.trpc.contacts.timeline.query({ externalId: 'lin' });
    expect(t.runs).toHaveLength(1);
    expect(t.runs[0]).toMatchObject({ node_id: 'wait_login', status: 'waiting', waiting_for: 'app_login' });
    expect(t.steps.map((s) => s.node_id).reverse()).toEqual(['entry', 'holdout', 'sms_1', 'wait_login']);
    const page = t.events.find((e) => e.type === 'page');
    expect(page).toMatchObject({ name: 'page', properties: { path: '/register', name: 'H5 register' } });
  });

  it('names an unknown contact', async () => {
    const e = await w.trpc.contacts.timeline.query({ externalId: 'nobody' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TRPCClientError);
    expect((e as TRPCClientError<never>).message).toContain('nobody');
  });
});
