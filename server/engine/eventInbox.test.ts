import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { openDatabase, type Db } from '../db/client';
import Database from 'better-sqlite3';
import { apiSideOf, attachWriteGate, createWriteGate, observeWriteLock } from '../db/writeGate';
import { createEventInbox } from './eventInbox';
import type { Call } from '../ingest/calls';
import { DAY, MINUTE } from '../../shared/util/time';

/**
 * A big batch of plain tracked events is queued in one append and indexed by
 * the engine at its next tick (eventInbox.ts): here, what is queued and what
 * is not, that the tick indexes it before anything reads events, that a
 * retry is dropped whichever path its first copy took, that a merge carries
 * waiting events along, and that the drain makes way for a waiting API writer.
 */

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
const queue = { queueFrom: 100 };

let w: TestWorld;
let engineDb: Db | null = null;
afterEach(() => {
  observeWriteLock(null);
  engineDb?.$client.close();
  engineDb = null;
  w.close();
});

const people = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
const identify = (ids: string[]) => w.services.ingest.ingest(ids.map((userId) => ({ type: 'identify' as const, userId, traits: { registered_at: new Date(NOON_SH - DAY).toISOString() } })));
const tracks = (ids: string[], event: string, messageId?: (i: number) => string): Call[] =>
  ids.map((userId, i) => ({ type: 'track' as const, userId, event, properties: { n: i }, ...(messageId ? { messageId: messageId(i) } : {}) }));
/** A new world with `n` identified contacts; their userIds. */
function worldOf(n = 100): string[] {
  w = aTestWorld(NOON_SH, { sandbox: silentChannels });
  const ids = people(n);
  identify(ids);
  return ids;
}
/** A queued request per name: each of `ids` tracked once with it. */
const queueEach = (ids: string[], names: string[]) => names.forEach((name) => w.services.ingest.ingest(tracks(ids, name), queue));
const count = (table: string) => w.sql<{ n: number }>(`select count(*) n from ${table}`)[0]?.n;
const eventsNamed = (name: string) =>
  w.sql<{ who: string; properties: string; at: number; received_at: number; message_id: string | null }>(
    `select c.external_id who, e.properties, e.at, e.received_at, e.message_id from events e join contacts c on c.id = e.contact_id where e.name = ? order by e.id`,
    name,
  );

describe('the events inbox', () => {
  it('queues a big batch of tracked events in one row, and the next tick indexes it in order before anything reads events', async () => {
    const ids = worldOf(150);
    const before = count('events');
    expect(
      w.services.ingest.ingest(
        tracks(ids, 'screen_view', (i) => `sv-${i}`),
        queue,
      ),
    ).toEqual({ accepted: 0, duplicates: 0, queued: 150 });
    // nothing indexed yet: one inbox row, no events, no messageIds
    expect(w.sql('select events from events_inbox')).toEqual([{ events: 150 }]);
    expect(count('events')).toBe(before);
    expect(count('ingested')).toBe(0);

    w.clock.advance(MINUTE);
    const tick = await w.services.engine.tick(w.clock.now());
    expect(tick?.inbox).toEqual({ indexed: 150, duplicates: 0, backlog: false });
    expect(count('events_inbox')).toBe(0);
    const indexed = eventsNamed('screen_view');
    expect(indexed.map((e) => e.who)).toEqual(ids);
    expect(indexed.map((e) => (JSON.parse(e.properties) as { n: number }).n)).toEqual(ids.map((_, i) => i));
    // stamped as received when the request came, not when the tick indexed it
    expect(indexed.every((e) => e.at === NOON_SH && e.received_at === NOON_SH)).toBe(true);
    expect(count('ingested')).toBe(150);
  });

  it('is indexed before segment entry: a contact whose queued login came before the tick is not enrolled as "never logged in"', async () => {
    w = aTestWorld(NOON_SH, { sandbox: silentChannels });
    const graph = aGraph()
      .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in', schedule: { every: 'hour' }, order: 'newest_first' })
      .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
      .node('done', 'exit', {})
      .then('entry', 'sms')
      .then('sms', 'done')
      // no funnel: a login it followed would be credited in the request, and never queued
      .settings({ funnel: [] })
      .build();
    const id = await w.publish(graph, 'Recall');
    const loggedIn = people(120, 'in');
    const never = people(30, 'never');
    w.services.ingest.ingest([...loggedIn, ...never].map((userId, i) => ({ type: 'identify' as const, userId, traits: { phone: `+86138${String(i).padStart(8, '0')}` } })));
    expect(w.services.ingest.ingest(tracks(loggedIn, 'app_login'), queue).queued).toBe(120);
    await w.caller.dev.advanceClock({ ms: 2 * 60 * MINUTE });
    const entered = w.sql<{ who: string }>('select c.external_id who from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? order by who', id).map((r) => r.who);
    expect(entered).toEqual(never);
  });

  it('drops repeats: within the request at once, a retry of a queued or indexed call when indexed', async () => {
    const ids = worldOf();
    // an earlier small request, indexed at once, shares the first ten messageIds
    expect(
      w.services.ingest.ingest(
        tracks(ids.slice(0, 10), 'tap', (i) => `tap-${i}`),
        queue,
      ),
    ).toEqual({ accepted: 10, duplicates: 0 });
    const batch = tracks(ids, 'tap', (i) => `tap-${i}`);
    // the same request twice over in one body: its own repeats are dropped at once
    expect(w.services.ingest.ingest([...batch, ...batch], queue)).toEqual({ accepted: 0, duplicates: 100, queued: 100 });
    // the client retries before the tick: queued again, dropped when indexed
    expect(w.services.ingest.ingest(batch, queue)).toEqual({ accepted: 0, duplicates: 0, queued: 100 });
    const tick = await w.services.engine.tick(w.clock.now());
    expect(tick?.inbox).toEqual({ indexed: 90, duplicates: 110, backlog: false });
    expect(eventsNamed('tap').map((e) => e.message_id)).toEqual(ids.map((_, i) => `tap-${i}`));
    // and once more after the tick
    w.services.ingest.ingest(batch, queue);
    expect((await w.services.engine.tick(w.clock.now()))?.inbox).toEqual({ indexed: 0, duplicates: 100, backlog: false });
    expect(eventsNamed('tap')).toHaveLength(100);
    // two requests sharing half their new ids, indexed by one statement: the shared ones as the first request had them
    w.services.ingest.ingest(
      tracks(ids, 'swipe', (i) => `swipe-${i}`),
      queue,
    );
    w.services.ingest.ingest(
      tracks([...ids.slice(50), ...ids.slice(0, 50)], 'swipe', (i) => `swipe-${i + 50}`),
      queue,
    );
    expect((await w.services.engine.tick(w.clock.now()))?.inbox).toEqual({ indexed: 150, duplicates: 50, backlog: false });
    // each id once, on the contact (and with the properties) of its first request
    const swipes = eventsNamed('swipe');
    const first = new Map(ids.map((who, i) => [`swipe-${i}`, { who, n: i }]));
    ids.slice(0, 50).forEach((who, i) => first.set(`swipe-${i + 100}`, { who, n: i + 50 }));
    expect(new Map(swipes.map((e) => [e.message_id, { who: e.who, n: (JSON.parse(e.properties) as { n: number }).n }]))).toEqual(first);
    expect(swipes).toHaveLength(150);
  });

  it('deduplicates a range of messageIds a step and moves a range of contacts a step, each event once and in its order', () => {
    const ids = worldOf(50);
    // two requests, each contact twice in each; the second repeats fifty ids of the first
    const twice = (name: string, from: number) => tracks([...ids, ...ids], name, (i) => `m${String(i + from).padStart(3, '0')}`);
    w.services.ingest.ingest(twice('a', 0), queue);
    w.services.ingest.ingest(twice('b', 50), queue);
    const inbox = createEventInbox(w.db);
    const phase = () => w.sql<{ phase: string }>('select phase from events_drain')[0]?.phase ?? 'none';
    // with no time budget, a drain takes one step: the phase each began in, and what it did
    const steps: { phase: string; indexed: number; duplicates: number }[] = [];
    for (let backlog = true; backlog;) {
      const was = phase();
      const report = inbox.drain({ budgetMs: 0, chunkRows: 1, sliceEvents: 7 });
      steps.push({ phase: was, indexed: report.indexed, duplicates: report.duplicates });
      backlog = report.backlog;
    }
    const of = (p: string) => steps.filter((s) => s.phase === p);
    // begun, then the second request staged
    expect(steps.slice(0, 2).map((s) => s.phase)).toEqual(['none', 'stage']);
    // 200 messageIds 7 (or a repeat more) a step; the 50 repeats dropped there
    expect(of('dedupe').length).toBeGreaterThanOrEqual(200 / 8);
    expect(of('dedupe').reduce((n, s) => n + s.duplicates, 0)).toBe(50);
    // 150 events 7 a step, the last contact of a slice whole (3 events each): 50 contacts in slices of 3
    expect(of('move').map((s) => s.indexed)).toEqual([...Array.from({ length: 16 }, () => 9), 6]);
    expect(steps).toHaveLength(2 + of('dedupe').length + of('move').length);
    expect(count('events_staged')).toBe(0);
    const all = w.sql<{ who: string; name: string; message_id: string }>(
      'select c.external_id who, e.name, e.message_id from events e join contacts c on c.id = e.contact_id where e.name in (?, ?) order by e.id',
      'a',
      'b',
    );
    // m050…m099 went in with the first request: each contact keeps one b, its second
    expect(all.filter((e) => e.name === 'b').map((e) => e.message_id)).toEqual(ids.map((_, k) => `m${k + 100}`));
    // each contact's events in the order they came: its two a's, then its b
    expect(all.filter((e) => e.who === 'p007').map((e) => e.message_id)).toEqual(['m007', 'm057', 'm107']);
    expect(all.map((e) => e.who)).toEqual(ids.flatMap((who) => [who, who, who]));
    expect(count('ingested')).toBe(150);
  });

  describe('indexes at once, as before, a request that is', () => {
    const sent = (calls: Call[]) => {
      const before = count('events');
      const report = w.services.ingest.ingest(calls, queue);
      return { report, indexed: (count('events') as number) - (before as number), inbox: count('events_inbox') };
    };
    const ids = people(100);

    it('smaller than queueFrom, or not given it', () => {
      worldOf(ids.length);
      expect(sent(tracks(ids.slice(0, 99), 'tap'))).toEqual({ report: { accepted: 99, duplicates: 0 }, indexed: 99, inbox: 0 });
      expect(w.services.ingest.ingest(tracks(ids, 'tap'))).toEqual({ accepted: 100, duplicates: 0 });
      expect(count('events_inbox')).toBe(0);
    });

    it('mixed with an identify, about an unknown contact, or an unsubscribe', () => {
      worldOf(ids.length);
      const identifyToo: Call[] = [...tracks(ids.slice(1), 'tap'), { type: 'identify', userId: 'p000', traits: { plan: 'gold' } }];
      expect(sent(identifyToo)).toEqual({ report: { accepted: 100, duplicates: 0 }, indexed: 99, inbox: 0 });
      expect(sent(tracks([...ids.slice(1), 'stranger'], 'tap'))).toEqual({ report: { accepted: 100, duplicates: 0 }, indexed: 100, inbox: 0 });
      expect(sent([...tracks(ids.slice(1), 'tap'), { type: 'track', userId: 'p000', event: 'unsubscribed', properties: { channel: 'sms' } }])).toMatchObject({
        report: { accepted: 100, duplicates: 0 },
        inbox: 0,
      });
    });

    it('holding an event a run waits for, or one a live journey starts on', async () => {
      worldOf(ids.length);
      const waits = aGraph()
        .node('entry', 'trigger.event', { event: 'credit_rejected' })
        .node('login', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } })
        .node('done', 'exit', {})
        .then('entry', 'login')
        .then('login', 'done', 'event')
        .then('login', 'done', 'timeout')
        .settings({ funnel: [] })
        .build();
      const id = await w.publish(waits, 'Waits');
      // credit_rejected starts the journey: routed, so indexed (and acted on) in the request
      expect(sent(tracks(ids, 'credit_rejected'))).toEqual({ report: { accepted: 100, duplicates: 0 }, indexed: 100, inbox: 0 });
      await w.services.engine.tick(w.clock.now());
      // now every run waits for a login: a batch of logins wakes them in the request
      expect(sent(tracks(ids, 'app_login'))).toEqual({ report: { accepted: 100, duplicates: 0 }, indexed: 100, inbox: 0 });
      expect(w.sql(`select count(*) n from runs where journey_id = ? and status = 'exited'`, id)).toEqual([{ n: 100 }]);
      // a name nothing waits for is queued again
      expect(sent(tracks(ids, 'tap')).report).toEqual({ accepted: 0, duplicates: 0, queued: 100 });
    });
  });

  it('carries the waiting events of a contact merged into another to the one it was merged into, queued or staged', () => {
    const ids = worldOf();
    w.services.ingest.ingest([
      { type: 'identify', userId: 'kept' },
      { type: 'identify', userId: 'also-kept' },
    ]);
    queueEach(ids, ['tap']);
    // p007 turns out to be the same person as "kept": its row goes, its events follow
    w.services.ingest.ingest([{ type: 'alias', previousId: 'p007', userId: 'kept' }]);
    expect(w.sql("select count(*) n from contacts where external_id = 'p007'")).toEqual([{ n: 0 }]);
    const inbox = createEventInbox(w.db);
    // one step: the batch begun and its request staged; then p042 merged into "also-kept"
    expect(inbox.drain({ budgetMs: 0 })).toMatchObject({ indexed: 0, backlog: true });
    expect([count('events_inbox'), count('events_staged')]).toEqual([0, 100]);
    w.services.ingest.ingest([{ type: 'alias', previousId: 'p042', userId: 'also-kept' }]);
    while (inbox.drain().backlog);
    const whose = (n: number) =>
      w.sql<{ who: string }>(`select c.external_id who from events e join contacts c on c.id = e.contact_id where e.name = 'tap' and e.properties ->> 'n' = ?`, n).map((e) => e.who);
    expect(eventsNamed('tap')).toHaveLength(100);
    expect([whose(7), whose(42)]).toEqual([['kept'], ['also-kept']]);
  });

  it('carries the staged events of a merged contact along while the batch moves: once each, whichever side of the moved range either is', () => {
    const ids = worldOf();
    w.services.ingest.ingest([{ type: 'identify', userId: 'kept' }]);
    queueEach(ids, ['tap']);
    const inbox = createEventInbox(w.db);
    // one step each: begun and staged, no messageIds, the first 50 contacts moved
    for (let i = 0; i < 3; i++) inbox.drain({ budgetMs: 0, sliceEvents: 50 });
    expect([eventsNamed('tap').length, inbox.backlog().events]).toEqual([50, 50]);
    const merge = (previousId: string, userId: string) => w.services.ingest.ingest([{ type: 'alias', previousId, userId }]);
    // moved into a contact not yet moved: its indexed tap goes with the merge, its staged copy stays behind
    merge('p010', 'kept');
    // not moved into one moved: its tap is indexed in the merge
    merge('p070', 'p020');
    expect([eventsNamed('tap').length, inbox.backlog().events]).toEqual([51, 49]);
    // not moved into one not moved: moved with it
    merge('p080', 'p090');
    expect(inbox.drain()).toEqual({ indexed: 49, duplicates: 0, backlog: false });
    const taps = w.sql<{ who: string; n: number }>(`select c.external_id who, count(*) n from events e join contacts c on c.id = e.contact_id where e.name = 'tap' group by who`);
    const of = new Map(taps.map((t) => [t.who, t.n]));
    expect(taps.reduce((n, t) => n + t.n, 0)).toBe(100);
    expect([of.get('kept'), of.get('p020'), of.get('p090'), of.get('p010'), of.get('p070'), of.get('p080')]).toEqual([1, 2, 2, undefined, undefined, undefined]);
  });

  it('with the engine on its own thread, commits between two steps when an API writer waits, and the writer goes first', () => {
    const ids = worldOf();
    queueEach(ids, ['a', 'b', 'c']);
    const gate = createWriteGate();
    engineDb = openDatabase(w.dbPath);
    attachWriteGate(engineDb.$client, gate, 'engine', 0);
    const inbox = createEventInbox(engineDb);
    const api = new Database(w.dbPath);
    // what the API reads each time the drain gives the lock back: the steps committed so far
    const seen: [inbox: number, staged: number, indexed: number, firstUnindexed: string | null][] = [];
    observeWriteLock((role) => {
      if (role !== 'engine' || !api.open) return;
      seen.push(
        api
          .prepare(
            `select (select count(*) from events_inbox), (select events from events_drain), (select count(*) from events where name in ('a', 'b', 'c')),
                    (select min(external_id) from contacts c where not exists (select 1 from events e where e.contact_id = c.id and e.name = 'a'))`,
          )
          .raw()
          .get() as (typeof seen)[number],
      );
    });
    apiSideOf(gate).waiting(1);
    try {
      expect(inbox.drain({ chunkRows: 1, sliceEvents: 100, yieldAfterMs: 0 })).toEqual({ indexed: 300, duplicates: 0, backlog: false });
    } finally {
      apiSideOf(gate).waiting(0);
      api.close();
    }
    // a request staged a step (the batch begun with the first); no messageIds to deduplicate (a step); then the events of 34, 34 and 32 contacts a step, in contact order
    expect(seen).toEqual([
      [2, 100, 0, 'p000'],
      [1, 200, 0, 'p000'],
      [0, 300, 0, 'p000'],
      [0, 300, 0, 'p000'],
      [0, 198, 102, 'p034'],
      [0, 96, 204, 'p068'],
      [0, null, 300, null],
    ]);
    // with nobody waiting, one transaction
    queueEach(ids, ['d', 'e']);
    let takes = 0;
    observeWriteLock((role) => {
      if (role === 'engine') takes++;
    });
    expect(inbox.drain({ chunkRows: 1, yieldAfterMs: 0 })).toMatchObject({ indexed: 200 });
    expect(takes).toBe(1);
  });

  it('starts no step past its time budget, and the next drain goes on where it stopped; a drain that fails is undone, what earlier ones did stays', () => {
    const ids = worldOf();
    queueEach(ids, ['a', 'b', 'c']);
    const inbox = createEventInbox(w.db);
    expect(inbox.drain({ chunkRows: 1, budgetMs: 0 })).toEqual({ indexed: 0, duplicates: 0, backlog: true });
    expect([count('events_inbox'), count('events_staged')]).toEqual([2, 100]);
    expect(inbox.backlog()).toEqual({ events: 300, oldestReceivedAt: NOON_SH });
    // three steps more: staged all, nothing to deduplicate, and half the contacts moved
    for (let i = 0; i < 3; i++) inbox.drain({ chunkRows: 2, sliceEvents: 150, budgetMs: 0 });
    expect([count('events_inbox'), inbox.backlog().events, eventsNamed('a').length]).toEqual([0, 150, 50]);
    // a step that fails (an events insert refused) is rolled back, and what earlier steps did stays
    w.db.$client.exec(`create temp trigger refuse before insert on events when new.name = 'c' begin select raise(abort, 'refused'); end`);
    expect(() => createEventInbox(w.db).drain()).toThrow('refused');
    expect([inbox.backlog().events, eventsNamed('a').length, eventsNamed('c').length]).toEqual([150, 50, 50]);
    w.db.$client.exec('drop trigger refuse');
    // a new inbox (a restarted engine) reads where the batch stands from the file
    expect(createEventInbox(w.db).drain()).toEqual({ indexed: 150, duplicates: 0, backlog: false });
    expect([eventsNamed('a'), eventsNamed('b'), eventsNamed('c')].map((e) => e.length)).toEqual([100, 100, 100]);
    expect(inbox.backlog()).toEqual({ events: 0, oldestReceivedAt: null });
  });

  it('a tick goes on with a backlog after the runner and the dispatcher: a batch more than its first drain began', async () => {
    const ids = worldOf(10);
    // 201 requests of one event: a drain begins a batch of 200 at most
    for (let i = 0; i < 201; i++) w.services.ingest.ingest(tracks([ids[i % 10] as string], 'tap'), { queueFrom: 1 });
    expect(count('events_inbox')).toBe(201);
    expect((await w.services.engine.tick(w.clock.now()))?.inbox).toEqual({ indexed: 201, duplicates: 0, backlog: false });
    expect(eventsNamed('tap')).toHaveLength(201);
  });

  it('indexes between ticks the backlog a tick left, a step at a time on no budget, but not while a tick runs; the next tick counts it as its own', async () => {
    const ids = worldOf(10);
    // 450 requests of one event: a tick begins two batches of 200 at most, one at its start and one after the dispatcher
    for (let i = 0; i < 450; i++) w.services.ingest.ingest(tracks([ids[i % 10] as string], 'tap'), { queueFrom: 1 });
    const engine = w.services.engine;
    const ticking = engine.tick(w.clock.now());
    // the tick waits for the dispatcher with a batch still to go: it goes on with the backlog itself
    expect(engine.indexBetweenTicks({ budgetMs: 0 })).toBe(false);
    const first = (await ticking)?.inbox;
    expect(first).toMatchObject({ duplicates: 0, backlog: true });
    const left = 450 - (first?.indexed ?? 0);
    expect(left).toBeGreaterThan(0);
    expect(eventsNamed('tap')).toHaveLength(450 - left);
    let calls = 1;
    while (engine.indexBetweenTicks({ budgetMs: 0 })) calls++;
    // a step a call: 50 requests are staged 20 at a time, then deduplicated and moved
    expect(calls).toBeGreaterThan(3);
    expect(eventsNamed('tap')).toHaveLength(450);
    expect(engine.indexBetweenTicks({ budgetMs: 0 })).toBe(false);
    expect((await engine.tick(w.clock.now()))?.inbox).toEqual({ indexed: left, duplicates: 0, backlog: false });
    expect((await engine.tick(w.clock.now()))?.inbox).toEqual({ indexed: 0, duplicates: 0, backlog: false });
  });

  it('past queueMaxEvents waiting, indexes a big batch in its request, until the engine has caught up', async () => {
    const ids = worldOf();
    const capped = { ...queue, queueMaxEvents: 150 };
    expect(w.services.ingest.ingest(tracks(ids, 'a'), capped)).toEqual({ accepted: 0, duplicates: 0, queued: 100 });
    expect(w.services.ingest.ingest(tracks(ids, 'b'), capped)).toEqual({ accepted: 100, duplicates: 0 });
    expect(eventsNamed('b')).toHaveLength(100);
    await w.services.engine.tick(w.clock.now());
    expect(w.services.ingest.ingest(tracks(ids, 'c'), capped)).toEqual({ accepted: 0, duplicates: 0, queued: 100 });
  });

  it('takes at most maxRows requests a drain and says a backlog is left', () => {
    const ids = worldOf();
    queueEach(ids, ['a', 'b', 'c']);
    const inbox = createEventInbox(w.db);
    expect(inbox.backlog()).toEqual({ events: 300, oldestReceivedAt: NOON_SH });
    expect(inbox.drain({ maxRows: 2 })).toEqual({ indexed: 200, duplicates: 0, backlog: true });
    expect(eventsNamed('c')).toHaveLength(0);
    expect(inbox.drain({ maxRows: 2 })).toEqual({ indexed: 100, duplicates: 0, backlog: false });
    expect(inbox.backlog()).toEqual({ events: 0, oldestReceivedAt: null });
  });
});
