import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { sendOnEventGraph } from '../../shared/fixtures/builders';
import { MINUTE } from '../../shared/util/time';
import { createOutbox, type Attempt } from '.';

const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

describe('the outbox: leases, recovery, dead letters', () => {
  let w: TestWorld;
  let wall: number;
  beforeEach(() => {
    w = aTestWorld(NOON_SH, { sandbox: silentSms });
    wall = 1_000_000;
  });
  afterEach(() => w.close());

  /** `n` queued SMS, one per contact, and an outbox for engine `owner` on the world's database with a wall clock the test moves. */
  async function queued(n: number, owner = 'host-a:1:aaaa') {
    await w.publish(sendOnEventGraph(), 'recall');
    w.services.ingest.ingest(Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `c${i}`, event: 'credit_rejected' })));
    w.services.engine.runner.tick(w.clock.now());
    return createOutbox(w.db, { owner: () => owner, wallNow: () => wall, leaseMs: 60_000 });
  }
  const rows = () =>
    w.sql<{ id: number; status: string; lease_owner: string | null; lease_expires_at: number | null; attempts: number; error: string | null; reason: string | null }>(
      'select id, status, lease_owner, lease_expires_at, attempts, error, reason from messages order by id',
    );
  const attempt: Attempt = { attempts: 1, variant: null, templateVersion: null, body: 'hi', response: 'null' };

  it('claims oldest first under a lease: this engine’s id and an expiry', async () => {
    const outbox = await queued(3);
    const got = outbox.claim('sms', w.clock.now(), 2, (r) => r.map((x) => x.id));
    expect(got).toHaveLength(2);
    expect(rows().map((r) => [r.status, r.lease_owner, r.lease_expires_at])).toEqual([
      ['sending', 'host-a:1:aaaa', wall + 60_000],
      ['sending', 'host-a:1:aaaa', wall + 60_000],
      ['queued', null, null],
    ]);
  });

  it('recovery re-queues only expired leases: a live engine’s messages in flight stay with it', async () => {
    const a = await queued(3);
    a.claim('sms', w.clock.now(), 1, () => null);
    wall += 30_000;
    const b = createOutbox(w.db, { owner: () => 'host-b:2:bbbb', wallNow: () => wall, leaseMs: 60_000 });
    b.claim('sms', w.clock.now(), 1, () => null);
    // a's lease has 30 s left, b's 60 s: nothing is recovered
    expect(b.recover(w.clock.now())).toBe(0);
    wall += 30_000;
    // a's lease ran out (its engine is gone): its message goes again, b's stays
    expect(b.recover(w.clock.now())).toBe(1);
    expect(rows().map((r) => [r.status, r.lease_owner])).toEqual([
      ['queued', null],
      ['sending', 'host-b:2:bbbb'],
      ['queued', null],
    ]);
  });

  it('a recovered message keeps the time it was due: it goes before what fell due after it, not behind the whole queue', async () => {
    const a = await queued(2);
    const [first] = a.claim('sms', w.clock.now(), 1, (r) => r.map((x) => x.id));
    const dueAt = w.sql<{ next_attempt_at: number }>('select next_attempt_at from messages where id = ?', first)[0]!.next_attempt_at;
    // an hour later, more fall due, and the engine that had the first out is gone
    w.clock.advance(60 * MINUTE);
    w.services.ingest.ingest([{ type: 'track', userId: 'later', event: 'credit_rejected' }]);
    w.services.engine.runner.tick(w.clock.now());
    wall += 120_000;
    expect(a.recover(w.clock.now())).toBe(1);
    expect(w.sql('select status, next_attempt_at from messages where id = ?', first)).toEqual([{ status: 'queued', next_attempt_at: dueAt }]);
    expect(a.claim('sms', w.clock.now(), 1, (r) => r.map((x) => x.id))).toEqual([first]);
  });

  it('an answer that comes back after the lease was taken back writes nothing: the message is the new owner’s', async () => {
    const a = await queued(1);
    const [id] = a.claim('sms', w.clock.now(), 1, (r) => r.map((x) => x.id));
    wall += 61_000;
    expect(a.recover(w.clock.now())).toBe(1);
    const b = createOutbox(w.db, { owner: () => 'host-b:2:bbbb', wallNow: () => wall });
    b.claim('sms', w.clock.now(), 1, () => null);
    expect(a.settleSent(id!, 'delivered', attempt, w.clock.now())).toBe(false);
    expect(a.retry(id!, attempt, 'HTTP 503', w.clock.now() + MINUTE, w.clock.now())).toBeNull();
    expect(rows()[0]).toMatchObject({ status: 'sending', lease_owner: 'host-b:2:bbbb' });
    expect(b.settleSent(id!, 'delivered', attempt, w.clock.now())).toBe(true);
    expect(rows()[0]).toMatchObject({ status: 'delivered', lease_owner: null, lease_expires_at: null });
  });

  it('a dead letter is re-driven to the queue with its attempts and horizon reset, and the node’s counters follow', async () => {
    const outbox = await queued(2);
    const ids = outbox.claim('sms', w.clock.now(), 2, (r) => r.map((x) => x.id));
    for (const id of ids) expect(outbox.deadLetter(id, { ...attempt, attempts: 7 }, 'HTTP 503', 'retry horizon', w.clock.now())).toBe(true);
    w.db.$client.prepare(`insert into metrics (journey_id, version, node_id, metric, label, day, count) select journey_id, version, node_id, 'dead', '', '2026-11-02', 2 from messages limit 1`).run();
    expect(rows().map((r) => [r.status, r.attempts, r.error])).toEqual([
      ['dead', 7, 'HTTP 503'],
      ['dead', 7, 'HTTP 503'],
    ]);
    // a queued message is no dead letter: naming it does nothing
    expect(outbox.redrive({ ids: [ids[0]!] }, w.clock.now() + MINUTE)).toBe(1);
    expect(outbox.redrive({ ids: [ids[0]!] }, w.clock.now() + MINUTE)).toBe(0);
    expect(w.sql('select status, attempts, first_failed_at, next_attempt_at from messages where id = ?', ids[0])).toEqual([
      { status: 'queued', attempts: 0, first_failed_at: null, next_attempt_at: w.clock.now() + MINUTE },
    ]);
    expect(w.sql(`select sum(count) n from metrics where metric = 'dead'`)).toEqual([{ n: 1 }]);

    // the other is given up for good: failed, reason discarded, counted as failed
    expect(outbox.discard({ channel: 'sms', error: 'HTTP 503' }, w.clock.now())).toBe(1);
    expect(rows()[1]).toMatchObject({ status: 'failed', reason: 'discarded' });
    expect(w.sql(`select metric, label, sum(count) n from metrics where metric in ('dead', 'failed') group by metric, label order by metric`)).toEqual([
      { metric: 'dead', label: '', n: 0 },
      { metric: 'failed', label: 'discarded', n: 1 },
    ]);
    const history = JSON.parse(w.sql<{ history: string }>('select history from messages where id = ?', ids[1])[0]!.history) as { status: string; detail?: { reason?: string } }[];
    expect(history.map((h) => h.status)).toEqual(['queued', 'sending', 'dead', 'failed']);
    expect(history.at(-1)?.detail?.reason).toBe('discarded');
  });

  it('a dead letter re-driven while its journey is paused is held until the resume, and one of an archived journey is suppressed, counted', async () => {
    const [live, paused, archived] = [await w.publish(sendOnEventGraph(), 'live'), await w.publish(sendOnEventGraph(), 'paused'), await w.publish(sendOnEventGraph(), 'archived')];
    w.services.ingest.ingest([{ type: 'track', userId: 'c1', event: 'credit_rejected' }]);
    w.services.engine.runner.tick(w.clock.now());
    // one message a journey, all three dead (the frequency cap deferred two of them: set here, not sent three times)
    w.db.$client.exec(`update messages set status = 'dead', reason = null, error = 'HTTP 503', attempts = 7`);
    const outbox = createOutbox(w.db, { owner: () => 'host-a:1:aaaa', wallNow: () => wall, leaseMs: 60_000 });
    await w.caller.journeys.pause({ id: paused });
    await w.caller.journeys.archive({ id: archived });
    const byJourney = () =>
      Object.fromEntries(
        w
          .sql<{ journey_id: string; status: string; reason: string | null; next_attempt_at: number | null }>('select journey_id, status, reason, next_attempt_at from messages')
          .map((m) => [m.journey_id, [m.status, m.reason, m.next_attempt_at]]),
      );
    const now = w.clock.now() + MINUTE;
    expect(outbox.redrive({ channel: 'sms', error: 'HTTP 503' }, now)).toBe(3);
    expect(byJourney()).toEqual({ [live]: ['queued', null, now], [paused]: ['held', 'journey_paused', now], [archived]: ['suppressed', 'journey_archived', null] });
    expect(w.sql(`select journey_id, sum(count) n from metrics where metric = 'suppressed' and label = 'journey_archived' group by journey_id`)).toEqual([{ journey_id: archived, n: 1 }]);
    const history = JSON.parse(w.sql<{ history: string }>('select history from messages where journey_id = ?', paused)[0]!.history) as { status: string; detail?: { reason?: string } }[];
    expect(history.slice(-2).map((h) => [h.status, h.detail?.reason])).toEqual([
      ['queued', 'redriven'],
      ['held', 'journey_paused'],
    ]);
    // the resume releases it like any held message
    await w.caller.journeys.resume({ id: paused });
    expect(byJourney()[paused]?.[0]).toBe('queued');
  });

  it('pause holds what is queued and resume releases it; archive suppresses what was not sent, counted', async () => {
    const outbox = await queued(2);
    const journeyId = w.sql<{ journey_id: string }>('select journey_id from messages limit 1')[0]!.journey_id;
    expect(outbox.hold(journeyId, 'journey_paused', w.clock.now(), 10)).toBe(2);
    expect(rows().map((r) => [r.status, r.reason])).toEqual([
      ['held', 'journey_paused'],
      ['held', 'journey_paused'],
    ]);
    expect(outbox.release(journeyId, w.clock.now(), 10)).toBe(2);
    // one held again, one queued: archive suppresses both, each found through its own index
    w.db.$client.prepare(`update messages set status = 'held' where id = (select min(id) from messages)`).run();
    expect(outbox.suppressWaiting(journeyId, 'journey_archived', w.clock.now(), 10)).toBe(2);
    expect(rows().map((r) => [r.status, r.reason])).toEqual([
      ['suppressed', 'journey_archived'],
      ['suppressed', 'journey_archived'],
    ]);
    expect(w.sql(`select sum(count) n from metrics where metric = 'suppressed' and label = 'journey_archived'`)).toEqual([{ n: 2 }]);
  });
});
