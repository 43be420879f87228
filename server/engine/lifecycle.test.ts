import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { aRejectionRecall } from '../../shared/fixtures/rejectionRecall';
import type { JourneyGraph } from '../../shared/journey/graph';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import type { ChannelProvider, DeliveryResult } from '../channels/provider';

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way of SMS or calls. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/**
 * credit_rejected → "Recall SMS" → wait a day for app_opened → (timeout) "Recall call" → exit;
 * credit_granted ends a run, app_login is the goal.
 */
const recall = (): JourneyGraph =>
  aRejectionRecall()
    .settings({ exitCriteria: [{ event: 'credit_granted', filter: [] }], goals: [{ event: 'app_login', filter: [], windowDays: 7 }] })
    .build();

interface RunRow {
  status: string;
  node_id: string;
  wake_at: number | null;
  held_wake_at: number | null;
  exit_reason: string | null;
  path: string;
}

describe('journey lifecycle in the engine', () => {
  let w: TestWorld;
  beforeEach(() => {
    w = aTestWorld(NOON_SH);
  });
  afterEach(() => w.close());

  const advance = (ms: number) => w.caller.dev.advanceClock({ ms });
  const track = (userId: string, event: string) => w.services.ingest.ingest([{ type: 'track', userId, event }]);

  const live = (graph: JourneyGraph): Promise<string> => w.publish(graph, 'Recall');
  const runOf = (journeyId: string, userId: string): RunRow | undefined =>
    w.sql<RunRow>(
      `select r.status, r.node_id, r.wake_at, r.held_wake_at, r.exit_reason, r.path from runs r join contacts c on c.id = r.contact_id where r.journey_id = ? and c.external_id = ?`,
      journeyId,
      userId,
    )[0];
  /** what reached the (sandbox) outside world for a contact, as channel names in order */
  const delivered = (userId: string): string[] =>
    w
      .sql<{ channel: string }>(
        `select d.channel from sandbox_deliveries d join messages m on m.id = d.message_id join contacts c on c.id = m.contact_id where c.external_id = ? order by d.id`,
        userId,
      )
      .map((r) => r.channel);
  const messageStatuses = (userId: string): string[] =>
    w.sql<{ status: string }>(`select m.status from messages m join contacts c on c.id = m.contact_id where c.external_id = ? order by m.id`, userId).map((r) => r.status);
  const conversions = (journeyId: string): number => w.sql<{ n: number }>(`select count(*) n from conversions where journey_id = ?`, journeyId)[0]?.n ?? 0;

  it('pause freezes a journey mid-flight: nothing is stepped or sent, nobody enters, events pass it by; resume fires the held timers and messages', async () => {
    const id = await live(recall());
    // a: SMS sent, now waiting a day for the call
    track('a', 'credit_rejected');
    await advance(0);
    expect(delivered('a')).toEqual(['sms']);
    expect(runOf(id, 'a')).toMatchObject({ status: 'waiting', node_id: 'wait', wake_at: NOON_SH + DAY });
    // b: stepped by the runner (its SMS is in the outbox), but not dispatched yet
    track('b', 'credit_rejected');
    w.services.engine.runner.tick(w.clock.now());
    expect(messageStatuses('b')).toEqual(['queued']);

    w.clock.advance(HOUR);
    const paused = await w.caller.journeys.pause({ id });
    expect(paused).toMatchObject({ id, status: 'paused', updatedAt: NOON_SH + HOUR, updatedBy: 'tester' });
    expect(runOf(id, 'a')).toMatchObject({ status: 'waiting', wake_at: null, held_wake_at: NOON_SH + DAY });
    expect(messageStatuses('b')).toEqual(['held']);
    const pathBefore = runOf(id, 'a')?.path;

    // during the pause: event entry enrols nobody, the awaited event, exit criteria and goals do not apply, time moves nothing
    track('c', 'credit_rejected');
    track('a', 'app_opened');
    track('a', 'credit_granted');
    track('a', 'app_login');
    const during = await advance(3 * DAY);
    expect(during).toMatchObject({ enrolled: 0, stepped: 0, queued: 0, sent: 0 });
    expect(runOf(id, 'c')).toBeUndefined();
    expect(runOf(id, 'a')).toMatchObject({ status: 'waiting', node_id: 'wait', wake_at: null, held_wake_at: NOON_SH + DAY, path: pathBefore });
    expect(delivered('a')).toEqual(['sms']);
    expect(delivered('b')).toEqual([]);
    expect(messageStatuses('b')).toEqual(['held']);
    expect(conversions(id)).toBe(0);
    expect(w.services.engine.nextDue(w.clock.now())).toBeNull();

    // resume: a's timer fell due during the pause and fires on the first tick; b's held SMS goes
    const resumed = await w.caller.journeys.resume({ id });
    expect(resumed).toMatchObject({ status: 'live', updatedAt: NOON_SH + HOUR + 3 * DAY });
    expect(runOf(id, 'a')).toMatchObject({ wake_at: NOON_SH + DAY, held_wake_at: null });
    const after = await advance(0);
    expect(after.sent).toBeGreaterThanOrEqual(2);
    expect(delivered('a')).toEqual(['sms', 'voice']);
    expect(runOf(id, 'a')).toMatchObject({ status: 'exited', exit_reason: 'called' });
    expect(delivered('b')[0]).toBe('sms');
    // the events of the pause are not replayed: c never entered
    expect(runOf(id, 'c')).toBeUndefined();
    // and the journey takes contacts again
    track('d', 'credit_rejected');
    await advance(0);
    expect(delivered('d')).toEqual(['sms']);
    track('d', 'app_login');
    expect(conversions(id)).toBeGreaterThan(0);
  });

  it('a segment-entry journey paused before its first enrolment enrols nobody until resumed', async () => {
    w.services.ingest.ingest([{ type: 'identify', userId: 's1', traits: { registered_at: new Date(NOON_SH - DAY).toISOString() } }]);
    const graph = aGraph()
      .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in', schedule: { every: 'hour' } })
      .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
      .node('done', 'exit', {})
      .then('entry', 'wait')
      .then('wait', 'done')
      .build();
    const id = await live(graph);
    await w.caller.journeys.pause({ id });
    expect(await advance(2 * HOUR)).toMatchObject({ enrolled: 0 });
    expect(runOf(id, 's1')).toBeUndefined();
    await w.caller.journeys.resume({ id });
    expect(await advance(0)).toMatchObject({ enrolled: 1 });
    expect(runOf(id, 's1')?.status).toBe('waiting');
  });

  it('archive ends every run still in the journey with journey_archived, counts them in the metrics and suppresses what was not sent', async () => {
    const id = await live(recall());
    track('a', 'credit_rejected');
    track('b', 'credit_rejected');
    await advance(0);
    track('x', 'credit_rejected');
    await advance(0);
    track('x', 'credit_granted'); // x left on its own: archive leaves its reason alone
    track('q', 'credit_rejected');
    w.services.engine.runner.tick(w.clock.now()); // q's SMS queued, not sent
    await w.caller.journeys.pause({ id }); // archive works from paused too, held timers and all
    w.clock.advance(HOUR);

    const archived = await w.caller.journeys.archive({ id });
    expect(archived).toMatchObject({ id, status: 'archived', exited: 3, updatedAt: NOON_SH + HOUR });
    for (const u of ['a', 'b']) expect(runOf(id, u)).toMatchObject({ status: 'exited', node_id: 'wait', exit_reason: 'journey_archived', wake_at: null, held_wake_at: null });
    expect(runOf(id, 'q')).toMatchObject({ status: 'exited', exit_reason: 'journey_archived' });
    expect(runOf(id, 'x')).toMatchObject({ exit_reason: 'exit_criteria:credit_granted' });
    expect(messageStatuses('q')).toEqual(['suppressed']);
    const day = new Date(NOON_SH + HOUR).toISOString().slice(0, 10);
    expect(w.sql(`select node_id, count, day from metrics where journey_id = ? and metric = 'exited' and label = 'journey_archived' order by node_id`, id)).toEqual([
      { node_id: 'wait', count: 3, day },
    ]);
    expect(w.sql(`select node_id, count from metrics where journey_id = ? and metric = 'suppressed' and label = 'journey_archived'`, id)).toEqual([{ node_id: 'sms', count: 1 }]);

    // nobody enters again, nothing moves, nothing goes out
    track('n', 'credit_rejected');
    expect(await advance(3 * DAY)).toMatchObject({ enrolled: 0, stepped: 0, sent: 0 });
    expect(runOf(id, 'n')).toBeUndefined();
    expect(delivered('a')).toEqual(['sms']);
    expect(delivered('q')).toEqual([]);
    expect((await w.caller.journeys.list()).find((j) => j.id === id)).toMatchObject({ status: 'archived', activeUsers: 0 });
  });

  it('archive of a journey with no runs ends nothing and writes no metric', async () => {
    const id = await live(recall());
    expect(await w.caller.journeys.archive({ id })).toMatchObject({ status: 'archived', exited: 0 });
    expect(w.sql(`select * from metrics where journey_id = ?`, id)).toEqual([]);
  });

  describe('a message out with a provider when its journey is paused or archived', () => {
    /** An SMS gateway that answers only when told to: the first answer is a retryable error, later ones deliver. */
    function aGatedGateway() {
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const keys: string[] = [];
      const provider: ChannelProvider = {
        name: 'gated',
        async send(msg): Promise<DeliveryResult> {
          keys.push(msg.key);
          if (keys.length > 1) return { status: 'delivered' };
          await gate;
          return { status: 'failed', retry: true, error: 'gateway timeout' };
        },
      };
      return { provider, keys, open: () => open() };
    }
    const message = (userId: string) =>
      w.sql<{ status: string; reason: string | null; next_attempt_at: number | null; history: string }>(
        `select m.status, m.reason, m.next_attempt_at, m.history from messages m join contacts c on c.id = m.contact_id where c.external_id = ?`,
        userId,
      )[0];

    /** a's SMS handed to a gateway that answers only when told: the journey, the gateway and the dispatch in flight */
    async function smsInFlight() {
      const gw = aGatedGateway();
      w.close();
      w = aTestWorld(NOON_SH, { providers: { sms: gw.provider } });
      const id = await live(recall());
      track('a', 'credit_rejected');
      w.services.engine.runner.tick(w.clock.now());
      return { gw, id, out: w.services.engine.dispatcher.dispatch(w.clock.now()) };
    }

    it('a retry that comes back while the journey is paused is held, not queued, and goes on resume', async () => {
      const { gw, id, out } = await smsInFlight();
      await w.caller.journeys.pause({ id }); // while the SMS is with the gateway
      gw.open();
      expect(await out).toMatchObject({ sent: 0, retried: 1 });
      expect(message('a')).toMatchObject({ status: 'held', reason: 'journey_paused' });
      // the first retry waits a minute with equal jitter: between 30 s and 60 s
      expect(message('a')!.next_attempt_at).toBeGreaterThanOrEqual(NOON_SH + MINUTE / 2);
      expect(message('a')!.next_attempt_at).toBeLessThanOrEqual(NOON_SH + MINUTE);
      expect((JSON.parse(message('a')!.history) as { status: string }[]).map((h) => h.status)).toEqual(['queued', 'sending', 'failed', 'held']);

      // the retry time passes during the pause: nothing goes
      expect(await advance(HOUR)).toMatchObject({ sent: 0 });
      expect(gw.keys).toHaveLength(1);
      await w.caller.journeys.resume({ id });
      expect(await advance(0)).toMatchObject({ sent: 1 });
      expect(message('a')).toMatchObject({ status: 'delivered', reason: null });
      expect(gw.keys).toEqual([gw.keys[0], gw.keys[0]]); // the same idempotency key both times
    });

    it('a retry that comes back after the journey was archived is suppressed and counted', async () => {
      const { gw, id, out } = await smsInFlight();
      await w.caller.journeys.archive({ id });
      gw.open();
      expect(await out).toMatchObject({ sent: 0, retried: 0 });
      expect(message('a')).toMatchObject({ status: 'suppressed', reason: 'journey_archived', next_attempt_at: null });
      expect(w.sql(`select node_id, count from metrics where journey_id = ? and metric = 'suppressed' and label = 'journey_archived'`, id)).toEqual([{ node_id: 'sms', count: 1 }]);
      expect(await advance(DAY)).toMatchObject({ sent: 0 });
      expect(gw.keys).toHaveLength(1);
    });

    it('after a crash, a message that was with a provider comes back held if its journey is paused and suppressed if archived', async () => {
      const [p, a] = [await live(recall()), await live(recall())];
      track('p', 'credit_rejected');
      track('a', 'credit_rejected');
      w.services.engine.runner.tick(w.clock.now());
      // the process died with both SMS handed over; the journeys were paused and archived since (another process, or by hand)
      w.sql(`update messages set status = 'sending' returning id`);
      w.db.$client.prepare(`update journeys set status = 'paused' where id = ?`).run(p);
      w.db.$client.prepare(`update journeys set status = 'archived' where id = ?`).run(a);

      expect(w.services.engine.dispatcher.recover(w.clock.now())).toBe(4);
      const byJourney = w.sql<{ journey_id: string; status: string; reason: string }>(`select journey_id, status, reason from messages order by journey_id, id`);
      expect(byJourney.filter((m) => m.journey_id === p).map((m) => [m.status, m.reason])).toEqual([
        ['held', 'journey_paused'],
        ['held', 'journey_paused'],
      ]);
      expect(byJourney.filter((m) => m.journey_id === a).map((m) => [m.status, m.reason])).toEqual([
        ['suppressed', 'journey_archived'],
        ['suppressed', 'journey_archived'],
      ]);
      expect(w.sql(`select count from metrics where journey_id = ? and metric = 'suppressed'`, a)).toEqual([{ count: 2 }]);
      expect(await advance(HOUR)).toMatchObject({ sent: 0 });
    });
  });
});
