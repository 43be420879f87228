import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TRPCClientError } from '@trpc/client';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { MAX_BATCH_CALLS, MAX_DEPTH, QUEUE_FROM_CALLS } from './calls';
import { DAY, HOUR } from '../../shared/util/time';

// Monday 2 Nov 2026, 10:00 in Asia/Shanghai (the workspace's zone)
const T0 = Date.UTC(2026, 10, 2, 2, 0);

interface EventRow {
  contact_id: number;
  name: string;
  type: string;
  properties: string;
  context: string | null;
  at: number;
  message_id: string | null;
  received_at: number;
}
interface ContactRow {
  id: number;
  external_id: string | null;
  anonymous_id: string | null;
  traits: string;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  opt_outs: string;
}

/** Row counts of everything ingestion writes, to prove a rejected request wrote nothing. */
const written = (w: HttpWorld) => {
  const c = w.server.db.$client;
  const n = (table: string) => (c.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;
  return { contacts: n('contacts'), events: n('events'), ingested: n('ingested'), runs: n('runs') };
};
const contactRow = (w: HttpWorld, externalId: string) =>
  w.server.db.$client.prepare('select id, external_id, anonymous_id, traits, phone, email, timezone, opt_outs from contacts where external_id = ?').get(externalId) as ContactRow | undefined;
const eventsOf = (w: HttpWorld, externalId: string) =>
  w.server.db.$client.prepare('select e.* from events e join contacts c on c.id = e.contact_id where c.external_id = ? order by e.id').all(externalId) as EventRow[];
const eventByMessageId = (w: HttpWorld, messageId: string) => w.server.db.$client.prepare('select * from events where message_id = ?').all(messageId) as EventRow[];

/** A POST to /v1/<path> with a raw body and any headers (the helper always sends good auth and JSON). */
async function rawPost(w: HttpWorld, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${w.server.url}/v1/${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Segment-compatible ingestion over HTTP', () => {
  let w: HttpWorld;
  let writeKey: string;

  beforeAll(async () => {
    w = await anHttpWorld(T0);
    writeKey = w.server.services.workspace.settings().writeKey;
  }, 60_000);
  afterAll(() => w?.close());

  describe('HTTP Basic auth with the write key as the user name', () => {
    it('accepts identify, track and batch with the write key (any password, as Segment ignores it)', async () => {
      const before = written(w);
      expect(await w.ingest('identify', { userId: 'auth-1', traits: { name: 'A' } })).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
      expect(await w.ingest('track', { userId: 'auth-1', event: 'app_login' })).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
      expect(
        await w.ingest('batch', {
          batch: [
            { type: 'track', userId: 'auth-1', event: 'a' },
            { type: 'identify', userId: 'auth-2' },
          ],
        }),
      ).toEqual({
        status: 200,
        body: { success: true, accepted: 2, duplicates: 0 },
      });
      const withPassword = await rawPost(w, 'track', JSON.stringify({ userId: 'auth-1', event: 'b' }), {
        'content-type': 'application/json',
        authorization: basic(writeKey, 'whatever'),
      });
      expect(withPassword.status).toBe(200);
      const after = written(w);
      expect(after.contacts - before.contacts).toBe(2);
      expect(after.events - before.events).toBe(3);
      expect(eventsOf(w, 'auth-1').map((e) => e.name)).toEqual(['app_login', 'a', 'b']);
    });

    const paths = ['identify', 'track', 'page', 'batch', 'inbound/sms'] as const;
    const goodBody: Record<(typeof paths)[number], unknown> = {
      identify: { userId: 'intruder', traits: { phone: '+8613900000999' } },
      track: { userId: 'intruder', event: 'app_login' },
      page: { userId: 'intruder' },
      batch: { batch: [{ type: 'track', userId: 'intruder', event: 'app_login' }] },
      'inbound/sms': { from: '+8613900000999', text: 'STOP' },
    };
    const badAuth: [string, Record<string, string>][] = [
      ['a wrong write key', { authorization: basic('not-the-key') }],
      ['no authorization header', {}],
      ['the key as a password with an empty user', { authorization: basic('', 'KEY') }],
      ['a Bearer token instead of Basic', { authorization: 'Bearer KEY' }],
      ['a Basic header without credentials', { authorization: 'Basic' }],
    ];
    for (const path of paths) {
      for (const [what, headers] of badAuth) {
        it(`answers ${what} on /v1/${path} with 401 and writes nothing`, async () => {
          const before = written(w);
          const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('KEY', writeKey)]));
          const res = await rawPost(w, path, JSON.stringify(goodBody[path]), { 'content-type': 'application/json', ...h });
          expect(res.status).toBe(401);
          expect(String(res.body.error)).toMatch(/write key/);
          expect(written(w)).toEqual(before);
          expect(contactRow(w, 'intruder')).toBeUndefined();
        });
      }
    }

    it('checks the key before reading the body: bad JSON or an oversize body without the key is still a 401', async () => {
      const before = written(w);
      expect((await w.ingest('track', '{not json', 'wrong')).status).toBe(401);
      expect((await w.ingest('track', { userId: 'x', event: 'e', properties: { blob: 'x'.repeat(600_000) } }, 'wrong')).status).toBe(401);
      expect(written(w)).toEqual(before);
    });
  });

  describe('fields of the calls', () => {
    it('identify stores userId, anonymousId and traits on the contact, and the messageId as seen', async () => {
      const res = await w.ingest('identify', {
        type: 'identify',
        userId: 'f-1',
        anonymousId: 'anon-f-1',
        messageId: 'msg-identify-f-1',
        traits: { name: '李雷', phone: '+8613800001111', email: 'li@example.com', plan: { tier: 'gold', limit: 20000 } },
        context: { library: { name: 'analytics.js', version: '5.0.0' } },
        integrations: { All: true },
        sentAt: new Date(T0).toISOString(),
        _metadata: { bundled: ['Segment.io'] },
      });
      expect(res).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
      const row = contactRow(w, 'f-1');
      expect(row).toMatchObject({ external_id: 'f-1', anonymous_id: 'anon-f-1', phone: '+8613800001111', email: 'li@example.com' });
      expect(JSON.parse(row?.traits ?? '{}')).toEqual({ name: '李雷', phone: '+8613800001111', email: 'li@example.com', plan: { tier: 'gold', limit: 20000 } });
      const seen = w.server.db.$client.prepare('select message_id from ingested where message_id = ?').get('msg-identify-f-1');
      expect(seen).toEqual({ message_id: 'msg-identify-f-1' });
      // identify appends no event
      expect(eventsOf(w, 'f-1')).toEqual([]);
    });

    it('track stores event, properties, timestamp, messageId and context; the SDK extras are accepted', async () => {
      const at = T0 - 3 * HOUR;
      const context = { ip: '10.1.2.3', locale: 'zh-CN', library: { name: 'analytics-node', version: '6.2.0' }, campaign: { source: 'wechat' } };
      const res = await w.ingest('track', {
        type: 'track',
        userId: 'f-2',
        anonymousId: 'anon-f-2',
        event: 'loan_applied',
        properties: { amount: 5000, currency: 'CNY', tags: ['first', 'h5'] },
        timestamp: new Date(at).toISOString(),
        originalTimestamp: new Date(at).toISOString(),
        sentAt: new Date(T0).toISOString(),
        messageId: 'msg-track-f-2',
        context,
        integrations: { All: false, Mixpanel: true },
        _metadata: { nodeVersion: '20.0.0' },
        someFutureField: 'ignored',
      });
      expect(res).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
      const events = eventsOf(w, 'f-2');
      expect(events).toHaveLength(1);
      const e = events[0] as EventRow;
      expect(e).toMatchObject({ name: 'loan_applied', type: 'track', at, message_id: 'msg-track-f-2', received_at: w.clock.now() });
      expect(JSON.parse(e.properties)).toEqual({ amount: 5000, currency: 'CNY', tags: ['first', 'h5'] });
      expect(JSON.parse(e.context ?? 'null')).toEqual(context);
      expect(contactRow(w, 'f-2')).toMatchObject({ anonymous_id: 'anon-f-2' });
    });

    it('a timestamp with an offset is read as that instant', async () => {
      // 08:00 in +08:00 is 00:00 UTC
      await w.ingest('track', { userId: 'f-3', event: 'tz_check', timestamp: '2026-11-02T08:00:00.000+08:00' });
      expect(eventsOf(w, 'f-3').map((e) => e.at)).toEqual([Date.UTC(2026, 10, 2, 0, 0)]);
    });

    it('numeric ids are accepted and kept as strings', async () => {
      expect((await w.ingest('track', { userId: 424242, event: 'numeric_id' })).status).toBe(200);
      expect(eventsOf(w, '424242').map((e) => e.name)).toEqual(['numeric_id']);
    });

    it('anonymous-only calls create an anonymous contact, found again by its anonymousId', async () => {
      await w.ingest('track', { anonymousId: 'anon-only-1', event: 'landing' });
      await w.ingest('track', { anonymousId: 'anon-only-1', event: 'landing_again' });
      const rows = w.server.db.$client.prepare("select c.external_id, e.name from events e join contacts c on c.id = e.contact_id where c.anonymous_id = 'anon-only-1' order by e.id").all();
      expect(rows).toEqual([
        { external_id: null, name: 'landing' },
        { external_id: null, name: 'landing_again' },
      ]);
    });

    it('page and screen calls are events named page/screen of type page/screen, the name in the properties', async () => {
      const ctx = { page: { path: '/apply', referrer: 'https://example.com' } };
      expect((await w.ingest('page', { userId: 'f-4', name: 'Apply', category: 'H5', properties: { path: '/apply' }, context: ctx })).status).toBe(200);
      expect((await w.ingest('screen', { userId: 'f-4', name: 'Home', properties: { tab: 'loans' } })).status).toBe(200);
      const events = eventsOf(w, 'f-4');
      expect(events.map((e) => [e.name, e.type])).toEqual([
        ['page', 'page'],
        ['screen', 'screen'],
      ]);
      expect(JSON.parse(events[0]?.properties ?? '{}')).toEqual({ path: '/apply', name: 'Apply' });
      expect(JSON.parse(events[0]?.context ?? 'null')).toEqual(ctx);
      expect(JSON.parse(events[1]?.properties ?? '{}')).toEqual({ tab: 'loans', name: 'Home' });
    });

    it('group is accepted and recorded against the contact', async () => {
      const res = await w.ingest('group', { userId: 'f-5', groupId: 'company-7', traits: { name: 'ACME' } });
      expect(res).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
      const [g] = eventsOf(w, 'f-5');
      expect(g).toMatchObject({ name: 'group' });
      expect(JSON.parse(g?.properties ?? '{}')).toEqual({ groupId: 'company-7', traits: { name: 'ACME' } });
      // a group without a groupId names the field
      const bad = await w.ingest('group', { userId: 'f-5' });
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe('groupId');
    });

    it('the SDK short paths and /v1/import work like the long ones', async () => {
      expect((await w.ingest('i', { userId: 'f-6', traits: { email: 'f6@example.com' } })).status).toBe(200);
      expect((await w.ingest('t', { userId: 'f-6', event: 'short' })).status).toBe(200);
      expect((await w.ingest('p', { userId: 'f-6' })).status).toBe(200);
      expect((await w.ingest('import', { batch: [{ type: 'track', userId: 'f-6', event: 'imported' }] })).status).toBe(200);
      expect(contactRow(w, 'f-6')?.email).toBe('f6@example.com');
      expect(eventsOf(w, 'f-6').map((e) => e.name)).toEqual(['short', 'page', 'imported']);
    });

    it('alias merges the anonymous contact into the identified one: its events move, one contact remains', async () => {
      await w.ingest('page', { anonymousId: 'anon-m', name: 'Landing' });
      await w.ingest('track', { anonymousId: 'anon-m', event: 'calculator_used', properties: { amount: 3000 } });
      await w.ingest('track', { anonymousId: 'anon-m', event: 'unsubscribed', properties: { channel: 'push' } });
      await w.ingest('identify', { anonymousId: 'anon-m', traits: { utm_source: 'wechat' } });
      await w.ingest('identify', { userId: 'merged-1', traits: { name: '韩梅梅', phone: '+8613800002222' } });
      await w.ingest('track', { userId: 'merged-1', event: 'app_login' });
      const c = w.server.db.$client;
      const anonId = (c.prepare("select id from contacts where anonymous_id = 'anon-m'").get() as { id: number }).id;
      const before = written(w);

      expect(await w.ingest('alias', { previousId: 'anon-m', userId: 'merged-1' })).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });

      expect(written(w).contacts).toBe(before.contacts - 1);
      expect(c.prepare('select count(*) n from contacts where id = ?').get(anonId)).toEqual({ n: 0 });
      expect(c.prepare('select count(*) n from events where contact_id = ?').get(anonId)).toEqual({ n: 0 });
      expect(eventsOf(w, 'merged-1').map((e) => e.name)).toEqual(['page', 'calculator_used', 'unsubscribed', 'app_login']);
      const merged = await w.trpc.contacts.get.query({ externalId: 'merged-1' });
      expect(merged.traits).toEqual({ name: '韩梅梅', phone: '+8613800002222', utm_source: 'wechat' });
      // the anonymous contact's opt-out survives the merge
      expect(merged.optOuts).toEqual(['push']);
      // later calls from the same device, with only the anonymousId, land on the merged contact
      expect(merged.anonymousId).toBe('anon-m');
      await w.ingest('track', { anonymousId: 'anon-m', event: 'after_alias' });
      expect(
        eventsOf(w, 'merged-1')
          .map((e) => e.name)
          .at(-1),
      ).toBe('after_alias');
      expect(written(w).contacts).toBe(before.contacts - 1);
    });

    it('alias of an anonymous contact to a new userId identifies that contact in place', async () => {
      await w.ingest('track', { anonymousId: 'anon-n', event: 'landing' });
      const before = written(w);
      expect((await w.ingest('alias', { previousId: 'anon-n', userId: 'aliased-new' })).status).toBe(200);
      expect(written(w).contacts).toBe(before.contacts);
      expect(contactRow(w, 'aliased-new')).toMatchObject({ anonymous_id: 'anon-n' });
      expect(eventsOf(w, 'aliased-new').map((e) => e.name)).toEqual(['landing']);
    });

    it('a second user on a shared device (same anonymousId) gets a contact of their own, not the first user’s', async () => {
      await w.ingest('identify', { userId: 'phone-owner', anonymousId: 'shared-device', traits: { name: 'Owner' } });
      await w.ingest('track', { userId: 'phone-guest', anonymousId: 'shared-device', event: 'guest_event' });
      expect(eventsOf(w, 'phone-owner').map((e) => e.name)).toEqual([]);
      expect(eventsOf(w, 'phone-guest').map((e) => e.name)).toEqual(['guest_event']);
      expect(contactRow(w, 'phone-owner')?.anonymous_id).toBe('shared-device');
      // the anonymousId stays with the contact that had it first
      expect(contactRow(w, 'phone-guest')?.anonymous_id).toBeNull();
    });
  });

  describe('messageId deduplication', () => {
    it('a repeated messageId is a no-op reported as a duplicate', async () => {
      const call = { userId: 'dup-1', event: 'clicked', messageId: 'msg-dup-1', properties: { n: 1 } };
      expect(await w.ingest('track', call)).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
      const before = written(w);
      expect(await w.ingest('track', { ...call, properties: { n: 2 } })).toEqual({ status: 200, body: { success: true, accepted: 0, duplicates: 1 } });
      expect(written(w)).toEqual(before);
      const rows = eventByMessageId(w, 'msg-dup-1');
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0]?.properties ?? '{}')).toEqual({ n: 1 });
    });

    it('applies across call types and inside one batch; a duplicate identify does not change traits', async () => {
      expect((await w.ingest('identify', { userId: 'dup-2', messageId: 'msg-dup-2', traits: { plan: 'a' } })).body).toMatchObject({ accepted: 1 });
      expect((await w.ingest('identify', { userId: 'dup-2', messageId: 'msg-dup-2', traits: { plan: 'b' } })).body).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(JSON.parse(contactRow(w, 'dup-2')?.traits ?? '{}')).toEqual({ plan: 'a' });
      const res = await w.ingest('batch', {
        batch: [
          { type: 'track', userId: 'dup-2', event: 'x', messageId: 'msg-dup-3' },
          { type: 'track', userId: 'dup-2', event: 'x', messageId: 'msg-dup-3' },
          { type: 'page', userId: 'dup-2', messageId: 'msg-dup-2' },
          { type: 'track', userId: 'dup-2', event: 'y' },
        ],
      });
      expect(res).toEqual({ status: 200, body: { success: true, accepted: 2, duplicates: 2 } });
      expect(eventsOf(w, 'dup-2').map((e) => e.name)).toEqual(['x', 'y']);
    });
  });

  describe('a big batch of tracked events is queued', () => {
    it(`one of ${QUEUE_FROM_CALLS} tracks of known contacts is answered "queued", and shows on the timeline once the engine has ticked`, async () => {
      const ids = Array.from({ length: QUEUE_FROM_CALLS }, (_, i) => `queued-${i}`);
      expect((await w.ingest('batch', { batch: ids.map((userId) => ({ type: 'identify', userId })) })).body).toMatchObject({ accepted: QUEUE_FROM_CALLS });
      const before = written(w);
      const batch = ids.map((userId, i) => ({ type: 'track', userId, event: 'screen_view', messageId: `queued-msg-${i}`, properties: { i } }));
      expect(await w.ingest('batch', { batch })).toEqual({ status: 200, body: { success: true, accepted: 0, duplicates: 0, queued: QUEUE_FROM_CALLS } });
      expect(written(w)).toEqual(before);
      expect((await w.trpc.contacts.timeline.query({ externalId: 'queued-7' })).events.map((e) => e.name)).not.toContain('screen_view');
      expect(await (await fetch(`${w.server.url}/metrics`)).text()).toMatch(/journeys_events_inbox_events [1-9]/);

      // the engine's next tick (the clock stays where it was, for the tests after this one)
      await w.trpc.dev.advanceClock.mutate({ ms: 0 });
      expect(written(w).events - before.events).toBe(QUEUE_FROM_CALLS);
      expect((await w.trpc.contacts.timeline.query({ externalId: 'queued-7' })).events.map((e) => e.name)).toContain('screen_view');
      // a retry of the whole batch is queued too, and dropped when indexed
      expect((await w.ingest('batch', { batch })).body).toMatchObject({ queued: QUEUE_FROM_CALLS });
      await w.trpc.dev.advanceClock.mutate({ ms: 0 });
      expect(written(w).events - before.events).toBe(QUEUE_FROM_CALLS);
      expect(await (await fetch(`${w.server.url}/metrics`)).text()).toMatch(/journeys_events_inbox_events 0\b/);
    });
  });

  describe('a batch is all or nothing', () => {
    const valid = [
      { type: 'identify', userId: 'batch-new-1', traits: { phone: '+8613800003333' }, messageId: 'msg-batch-1' },
      { type: 'track', userId: 'batch-new-1', event: 'loan_applied', messageId: 'msg-batch-2' },
    ];
    const third: [string, Record<string, unknown>, string][] = [
      ['a track without event', { type: 'track', userId: 'batch-new-2' }, 'batch.2.event'],
      ['a call without userId or anonymousId', { type: 'track', event: 'e' }, 'batch.2.userId'],
      ['a bad timestamp', { type: 'track', userId: 'batch-new-2', event: 'e', timestamp: 'yesterday' }, 'batch.2.timestamp'],
      ['an unknown type', { type: 'launch', userId: 'batch-new-2' }, 'batch.2.type'],
      ['properties that are not an object', { type: 'track', userId: 'batch-new-2', event: 'e', properties: [1, 2] }, 'batch.2.properties'],
    ];
    for (const [what, bad, field] of third) {
      it(`rejects a batch whose 3rd call has ${what} with 400 naming ${field}, writing none of it`, async () => {
        const before = written(w);
        const res = await w.ingest('batch', { batch: [...valid, bad, { type: 'track', userId: 'batch-new-1', event: 'after' }] });
        expect(res.status).toBe(400);
        expect(res.body.field).toBe(field);
        expect(String(res.body.error)).toContain(field);
        expect(written(w)).toEqual(before);
        expect(contactRow(w, 'batch-new-1')).toBeUndefined();
        expect(eventByMessageId(w, 'msg-batch-2')).toEqual([]);
      });
    }

    it('the same batch, corrected, lands whole (and its messageIds were not burnt by the rejected attempts)', async () => {
      const before = written(w);
      const res = await w.ingest('batch', { batch: [...valid, { type: 'track', userId: 'batch-new-2', event: 'e' }] });
      expect(res).toEqual({ status: 200, body: { success: true, accepted: 3, duplicates: 0 } });
      expect(written(w).contacts - before.contacts).toBe(2);
      expect(written(w).events - before.events).toBe(2);
      expect(contactRow(w, 'batch-new-1')?.phone).toBe('+8613800003333');
    });
  });

  describe('size limits', () => {
    const call = (i: number) => ({ type: 'track', userId: `size-${i}`, event: 'bulk' });

    it(`a batch of more than ${MAX_BATCH_CALLS} calls is a 413 and writes nothing`, async () => {
      const before = written(w);
      const res = await w.ingest('batch', { batch: Array.from({ length: MAX_BATCH_CALLS + 1 }, (_, i) => call(i)) });
      expect(res.status).toBe(413);
      expect(String(res.body.error)).toContain(String(MAX_BATCH_CALLS));
      expect(written(w)).toEqual(before);
    });

    it(`a batch of exactly ${MAX_BATCH_CALLS} calls is accepted`, async () => {
      const before = written(w);
      const res = await w.ingest('batch', { batch: Array.from({ length: MAX_BATCH_CALLS }, (_, i) => call(i)) });
      expect(res).toEqual({ status: 200, body: { success: true, accepted: MAX_BATCH_CALLS, duplicates: 0 } });
      expect(written(w).events - before.events).toBe(MAX_BATCH_CALLS);
    });

    it('a body over the size limit is a 413 on every endpoint and writes nothing', async () => {
      const before = written(w);
      const blob = 'x'.repeat(600 * 1024);
      for (const [path, body] of [
        ['track', { userId: 'too-big', event: 'e', properties: { blob } }],
        ['identify', { userId: 'too-big', traits: { blob } }],
        ['batch', { batch: [{ type: 'track', userId: 'too-big', event: 'e', properties: { blob } }] }],
      ] as const) {
        const res = await w.ingest(path, body);
        expect(res.status, path).toBe(413);
        expect(typeof res.body.error).toBe('string');
      }
      expect(written(w)).toEqual(before);
      expect(contactRow(w, 'too-big')).toBeUndefined();
    });
  });

  describe('bad input is a 400 naming the field, and writes nothing', () => {
    const nested = (depth: number): Record<string, unknown> => {
      let v: Record<string, unknown> = { leaf: true };
      for (let i = 1; i < depth; i++) v = { a: v };
      return v;
    };
    const cases: [string, string, unknown, RegExp, string | undefined][] = [
      ['track without event', 'track', { userId: 'bad-1' }, /event/, 'event'],
      ['track with an empty event', 'track', { userId: 'bad-1', event: '  ' }, /event/, 'event'],
      ['track with a non-string event', 'track', { userId: 'bad-1', event: 42 }, /event/, 'event'],
      ['track without userId and anonymousId', 'track', { event: 'e' }, /userId or anonymousId/, 'userId'],
      ['identify with null ids', 'identify', { userId: null, anonymousId: null, traits: {} }, /userId or anonymousId/, 'userId'],
      ['page with an empty userId only', 'page', { userId: '' }, /userId/, 'userId'],
      ['a timestamp that is not ISO-8601', 'track', { userId: 'bad-1', event: 'e', timestamp: '02/11/2026' }, /timestamp/, 'timestamp'],
      ['a timestamp that is a number', 'track', { userId: 'bad-1', event: 'e', timestamp: T0 }, /timestamp/, 'timestamp'],
      ['a bad sentAt', 'identify', { userId: 'bad-1', sentAt: 'now' }, /sentAt/, 'sentAt'],
      ['traits that are an array', 'identify', { userId: 'bad-1', traits: ['a'] }, /traits/, 'traits'],
      ['context that is a string', 'track', { userId: 'bad-1', event: 'e', context: 'web' }, /context/, 'context'],
      ['a fractional numeric userId', 'track', { userId: 1.5, event: 'e' }, /userId/, 'userId'],
      ['alias without previousId', 'alias', { userId: 'bad-1' }, /previousId/, 'previousId'],
      [`properties nested deeper than ${MAX_DEPTH} levels`, 'track', { userId: 'bad-1', event: 'e', properties: nested(MAX_DEPTH + 1) }, /properties.*deeper/, 'properties'],
      ['traits nested 1,500 levels deep', 'identify', { userId: 'bad-1', traits: nested(1500) }, /traits.*deeper/, 'traits'],
      ['a batch that is not an array', 'batch', { batch: { type: 'track' } }, /batch/, 'batch'],
      ['a batch without batch', 'batch', { calls: [] }, /batch/, 'batch'],
      ['a batch item that is not an object', 'batch', { batch: ['track'] }, /batch\.0/, 'batch.0'],
      ['an inbound SMS without from', 'inbound/sms', { text: 'STOP' }, /from/, 'from'],
      ['an inbound SMS without text', 'inbound/sms', { from: '+8613800000000' }, /text/, 'text'],
      ['a body that is a JSON array', 'track', [{ userId: 'bad-1', event: 'e' }], /body/, undefined],
      ['a batch body that is a JSON array', 'batch', [{ type: 'track', userId: 'bad-1', event: 'e' }], /body/, undefined],
    ];
    for (const [what, path, body, message, field] of cases) {
      it(`${what} → 400`, async () => {
        const before = written(w);
        const res = await w.ingest(path, body);
        expect(res.status).toBe(400);
        expect(String(res.body.error)).toMatch(message);
        expect(res.body.field).toBe(field);
        expect(written(w)).toEqual(before);
        expect(contactRow(w, 'bad-1')).toBeUndefined();
      });
    }

    for (const [what, raw] of [
      ['invalid JSON', '{"userId": "bad-1", "event": '],
      ['a JSON string', '"track"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
    ] as const) {
      it(`a body that is ${what} → 400 saying the body is not valid`, async () => {
        const before = written(w);
        for (const path of ['track', 'identify', 'batch', 'inbound/sms']) {
          const res = await w.ingest(path, raw);
          expect(res.status, path).toBe(400);
          expect(String(res.body.error), path).toMatch(/body/);
        }
        expect(written(w)).toEqual(before);
      });
    }

    it(`properties nested exactly ${MAX_DEPTH} levels deep are fine`, async () => {
      const res = await w.ingest('track', { userId: 'deep-ok', event: 'e', properties: nested(MAX_DEPTH) });
      expect(res.status).toBe(200);
      expect(JSON.parse(eventsOf(w, 'deep-ok')[0]?.properties ?? '{}')).toEqual(nested(MAX_DEPTH));
    });

    it('never answers bad input with a 5xx, and a rejected request writes nothing (property)', async () => {
      const endpoints = ['identify', 'track', 'page', 'screen', 'alias', 'group', 'batch', 'inbound/sms'] as const;
      const valid: Record<(typeof endpoints)[number], Record<string, unknown>> = {
        identify: { userId: 'prop-1', anonymousId: 'prop-anon-1', traits: { phone: '+8613800009999', timezone: 'Asia/Tokyo' }, messageId: 'prop-m-1' },
        track: { userId: 'prop-1', event: 'unsubscribed', properties: { channel: 'sms' }, timestamp: new Date(T0).toISOString(), context: { ip: '1.2.3.4' } },
        page: { anonymousId: 'prop-anon-2', name: 'Home', properties: { path: '/' } },
        screen: { userId: 'prop-2', name: 'Home' },
        alias: { previousId: 'prop-anon-2', userId: 'prop-2' },
        group: { userId: 'prop-1', groupId: 'g-1', traits: { plan: 'x' } },
        batch: {
          batch: [
            { type: 'identify', userId: 'prop-3' },
            { type: 'track', anonymousId: 'prop-anon-3', event: 'e' },
          ],
        },
        'inbound/sms': { from: '+8613800009999', text: 'hello' },
      };
      const keys = ['type', 'userId', 'anonymousId', 'previousId', 'groupId', 'event', 'name', 'properties', 'traits', 'context', 'timestamp', 'sentAt', 'messageId', 'batch', 'from', 'text'];
      const anyJson = fc.jsonValue({ maxDepth: 4 });
      const mutation = fc.oneof(
        fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...keys), value: anyJson }),
        fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...keys) }),
      );
      const mutated = (base: Record<string, unknown>) =>
        fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => {
          const out: Record<string, unknown> = { ...base };
          for (const m of ms) {
            if (m.op === 'set') out[m.key] = m.value;
            else delete out[m.key];
          }
          return out;
        });
      const mutatedBatch = fc
        .array(fc.oneof(mutated({ type: 'track', userId: 'prop-4', event: 'e' }), mutated({ type: 'identify', anonymousId: 'prop-anon-4' }), anyJson), { maxLength: 4 })
        .map((batch) => ({ batch }));
      const body = (path: (typeof endpoints)[number]) =>
        fc.oneof(
          anyJson,
          mutated(valid[path]),
          ...(path === 'batch' ? [mutatedBatch] : []),
          fc.string().map((s) => `{${s}`),
        );

      let rejected = 0;
      for (const path of endpoints) {
        await fc.assert(
          fc.asyncProperty(body(path), async (b) => {
            const before = written(w);
            const res = await w.ingest(path, typeof b === 'string' ? b : JSON.stringify(b));
            expect(res.status).toBeLessThan(500);
            if (res.status >= 400) {
              rejected++;
              expect(typeof res.body.error).toBe('string');
              expect(written(w)).toEqual(before);
            } else expect(res.body.success).toBe(true);
          }),
          { numRuns: 60 },
        );
      }
      // the generator does reach the error paths
      expect(rejected).toBeGreaterThan(endpoints.length * 10);
    }, 60_000);
  });

  describe('contact traits', () => {
    it('phone, email and a valid time zone from the traits; the workspace zone when there is none', async () => {
      expect(w.server.services.workspace.settings().timezone).toBe('Asia/Shanghai');
      await w.ingest('identify', { userId: 'tz-1', traits: { phone: ' +8613800004444 ', timezone: 'Europe/Berlin' } });
      await w.ingest('identify', { userId: 'tz-2', traits: { phone: '+8613800005555' } });
      await w.ingest('identify', { userId: 'tz-3', traits: { timezone: 'Mars/Olympus_Mons' } });
      await w.ingest('identify', { userId: 'tz-4', context: { timezone: 'America/New_York' } });
      await w.ingest('identify', { userId: 'tz-5', traits: { time_zone: 'Asia/Tokyo' } });
      expect(await w.trpc.contacts.get.query({ externalId: 'tz-1' })).toMatchObject({ phone: '+8613800004444', timezone: 'Europe/Berlin', optOuts: [] });
      expect(await w.trpc.contacts.get.query({ externalId: 'tz-2' })).toMatchObject({ phone: '+8613800005555', timezone: 'Asia/Shanghai' });
      // an unknown zone is ignored, not stored
      expect(await w.trpc.contacts.get.query({ externalId: 'tz-3' })).toMatchObject({ timezone: 'Asia/Shanghai' });
      expect(contactRow(w, 'tz-3')?.timezone).toBeNull();
      // the SDK's context.timezone stands in for a missing trait
      expect(await w.trpc.contacts.get.query({ externalId: 'tz-4' })).toMatchObject({ timezone: 'America/New_York' });
      expect(await w.trpc.contacts.get.query({ externalId: 'tz-5' })).toMatchObject({ timezone: 'Asia/Tokyo' });
    });

    it('traits merge across identify calls, and null deletes a trait', async () => {
      await w.ingest('identify', { userId: 'tr-1', traits: { name: 'Wang', limit: 1000, level: 1 } });
      await w.ingest('identify', { userId: 'tr-1', traits: { limit: 2000, level: null, city: 'Shenzhen' } });
      expect((await w.trpc.contacts.get.query({ externalId: 'tr-1' })).traits).toEqual({ name: 'Wang', limit: 2000, city: 'Shenzhen' });
    });

    it('a track of "unsubscribed" with properties.channel opts the contact out of that channel only', async () => {
      await w.ingest('identify', { userId: 'unsub-1', traits: { phone: '+8613800006666' } });
      expect((await w.ingest('track', { userId: 'unsub-1', event: 'unsubscribed', properties: { channel: 'sms' } })).status).toBe(200);
      expect((await w.trpc.contacts.get.query({ externalId: 'unsub-1' })).optOuts).toEqual(['sms']);
      await w.ingest('track', { userId: 'unsub-1', event: 'unsubscribed', properties: { channel: 'voice' } });
      await w.ingest('track', { userId: 'unsub-1', event: 'unsubscribed', properties: { channel: 'sms' } });
      expect((await w.trpc.contacts.get.query({ externalId: 'unsub-1' })).optOuts).toEqual(['sms', 'voice']);
      // an unknown channel or another event opts out of nothing, and is still stored
      await w.ingest('identify', { userId: 'unsub-2' });
      await w.ingest('track', { userId: 'unsub-2', event: 'unsubscribed', properties: { channel: 'carrier-pigeon' } });
      await w.ingest('track', { userId: 'unsub-2', event: 'unsubscribed_from_newsletter', properties: { channel: 'sms' } });
      await w.ingest('track', { userId: 'unsub-2', event: 'unsubscribed' });
      expect((await w.trpc.contacts.get.query({ externalId: 'unsub-2' })).optOuts).toEqual([]);
      expect(eventsOf(w, 'unsub-2').map((e) => e.name)).toEqual(['unsubscribed', 'unsubscribed_from_newsletter', 'unsubscribed']);
    });

    it('an inbound SMS of T, TD or STOP (any case, trimmed) opts out the contact with that phone; other text does not', async () => {
      const stops = ['T', 'td', ' STOP ', 'Stop', '\tTd\n'];
      const others = ['hello', 'STOP please', 'TT', 'S T O P', ''];
      const phone = (i: number) => `+86137000${String(i).padStart(5, '0')}`;
      const all = [...stops, ...others];
      await w.ingest('batch', { batch: all.map((_, i) => ({ type: 'identify', userId: `sms-${i}`, traits: { phone: phone(i) } })) });
      for (const [i, text] of all.entries()) {
        const res = await w.ingest('inbound/sms', { from: phone(i), text });
        expect(res, JSON.stringify(text)).toEqual({ status: 200, body: { success: true, optedOut: stops.includes(text) ? 1 : 0 } });
      }
      for (const [i, text] of all.entries()) {
        const c = await w.trpc.contacts.get.query({ externalId: `sms-${i}` });
        expect(c.optOuts, JSON.stringify(text)).toEqual(stops.includes(text) ? ['sms'] : []);
      }
      // the sender's number is trimmed; a number nobody has opts out no one
      await w.ingest('identify', { userId: 'sms-trim', traits: { phone: '+8613700099999' } });
      expect((await w.ingest('inbound/sms', { from: ' +8613700099999 ', text: 'T' })).body).toEqual({ success: true, optedOut: 1 });
      expect((await w.trpc.contacts.get.query({ externalId: 'sms-trim' })).optOuts).toEqual(['sms']);
      expect((await w.ingest('inbound/sms', { from: '+8613700088888', text: 'STOP' })).body).toEqual({ success: true, optedOut: 0 });
    });

    it('contacts.get names an unknown contact', async () => {
      const e = await w.trpc.contacts.get.query({ externalId: 'never-seen' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TRPCClientError);
      expect((e as TRPCClientError<never>).message).toContain('never-seen');
    });
  });

  describe('event time', () => {
    it('a timestamp in the future is clamped to now; a past one is kept; none means now', async () => {
      await w.trpc.dev.advanceClock.mutate({ ms: HOUR });
      const now = w.clock.now();
      expect(now).toBe(T0 + HOUR);
      await w.ingest('batch', {
        batch: [
          { type: 'track', userId: 'time-1', event: 'future', timestamp: new Date(now + DAY).toISOString() },
          { type: 'track', userId: 'time-1', event: 'past', timestamp: new Date(now - 2 * DAY).toISOString() },
          { type: 'track', userId: 'time-1', event: 'none' },
          { type: 'page', userId: 'time-1', timestamp: new Date(now + 5 * 60_000).toISOString() },
        ],
      });
      expect(eventsOf(w, 'time-1').map((e) => [e.name, e.at, e.received_at])).toEqual([
        ['future', now, now],
        ['past', now - 2 * DAY, now],
        ['none', now, now],
        ['page', now, now],
      ]);
    });
  });
});

describe('messageId deduplication with an event-triggered journey', () => {
  let w: HttpWorld;
  let journeyId: string;

  beforeAll(async () => {
    w = await anHttpWorld(T0);
    const j = (await w.trpc.journeys.list.query()).find((x) => x.blueprint === 'rejected_partner_offer');
    if (!j) throw new Error('blueprint rejected_partner_offer was not seeded');
    journeyId = j.id;
    // re-entry after each exit, so only deduplication can stop a repeated call from enrolling again
    const draft = (await w.trpc.journeys.get.query({ id: journeyId })).draft;
    draft.settings.reentry = { policy: 'after_exit' };
    await w.trpc.journeys.saveDraft.mutate({ id: journeyId, graph: draft });
    await w.trpc.journeys.publish.mutate({ id: journeyId });
    await w.ingest('identify', { userId: 'rej-1', traits: { name: '张三', phone: '+8613800007777' } });
  }, 60_000);
  afterAll(() => w?.close());

  const runOf = () =>
    w.server.db.$client.prepare("select r.entries, r.status from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? and c.external_id = 'rej-1'").all(journeyId) as {
      entries: number;
      status: string;
    }[];
  const rejections = () => eventsOf(w, 'rej-1').filter((e) => e.name === 'credit_rejected').length;

  it('enrols on the first credit_rejected; the same messageId again neither appends nor enrols, a new one does', async () => {
    const call = { userId: 'rej-1', event: 'credit_rejected', messageId: 'msg-rej-1', properties: { reason: 'score' } };
    expect(await w.ingest('track', call)).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });
    expect(runOf()).toEqual([{ entries: 1, status: 'active' }]);
    expect(rejections()).toBe(1);

    // the run goes through the offer and exits, so the journey would take the contact again
    await w.trpc.dev.advanceClock.mutate({ ms: HOUR });
    expect(runOf()).toEqual([{ entries: 1, status: 'exited' }]);

    expect(await w.ingest('track', call)).toEqual({ status: 200, body: { success: true, accepted: 0, duplicates: 1 } });
    expect(await w.ingest('batch', { batch: [{ type: 'track', ...call }] })).toEqual({ status: 200, body: { success: true, accepted: 0, duplicates: 1 } });
    expect(rejections()).toBe(1);
    expect(runOf()).toEqual([{ entries: 1, status: 'exited' }]);

    // control: a genuinely new rejection does enrol again
    expect((await w.ingest('track', { ...call, messageId: 'msg-rej-2' })).body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(rejections()).toBe(2);
    expect(runOf()).toEqual([{ entries: 2, status: 'active' }]);
  });
});
