import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentChannels, type TestWorld } from '../testing/harness';
import { aGraph, sendOnEventGraph } from '../../shared/fixtures/builders';
import { createServices } from '../services';
import { slices } from '../services/journeyLifecycle';
import { defaultDispatcherOptions } from './dispatcher';
import { runStore } from '../runs';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';

/**
 * Pause, resume and archive change a journey's outbox, then its runs, a slice
 * at a time, after the status change commits, and the API serves requests
 * between two slices: one UPDATE of half a million runs held the API's event
 * loop for 0.8 s. Until a slice reaches a run, the runner parks it (or ends
 * it, archived) itself should it fall due; until a slice reaches a queued
 * message, the dispatcher passes it by.
 */

/** 12:00 in Shanghai (the workspace's zone): no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
const N = 25;
const SLICE = 10;

let w: TestWorld;
const slicesBefore = { ...slices };
beforeEach(() => {
  slices.range = SLICE;
  slices.resume = SLICE;
  slices.messages = SLICE;
});
afterEach(() => {
  Object.assign(slices, slicesBefore);
  w.close();
});

/** credit_rejected → wait 1 day → SMS → exit */
const waitsADay = aGraph()
  .node('entry', 'trigger.event', { event: 'credit_rejected' })
  .node('wait', 'wait.duration', { amount: 1, unit: 'days' })
  .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
  .node('done', 'exit', { reason: 'done' })
  .then('entry', 'wait')
  .then('wait', 'sms')
  .then('sms', 'done')
  .build();

/** N contacts with phones, each rejected for credit now: they enter a journey triggered by it. */
function rejectN(): void {
  const ids = Array.from({ length: N }, (_, i) => `c${i}`);
  w.services.ingest.ingest(ids.map((userId, i) => ({ type: 'identify' as const, userId, traits: { phone: `+86138000${String(i).padStart(5, '0')}` } })));
  w.services.ingest.ingest(ids.map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })));
}

/** A journey with N runs waiting a day (run ids 1…N, so the pause's id ranges cut them in slices). */
async function waitingJourney(): Promise<string> {
  w = aTestWorld(NOON_SH, { sandbox: silentChannels });
  const id = await w.publish(waitsADay, 'Waits a day');
  rejectN();
  await w.caller.dev.advanceClock({ ms: MINUTE });
  expect(timers(id)).toEqual({ live: N, parked: 0 });
  return id;
}

const timers = (journeyId: string) => w.sql<{ live: number; parked: number }>(`select count(wake_at) live, count(held_wake_at) parked from runs where journey_id = ?`, journeyId)[0];
/** what `timers` says the next time the event loop gets a turn (a request arriving meanwhile) */
const atNextTurn = (journeyId: string) => new Promise<ReturnType<typeof timers>>((resolve) => setImmediate(() => resolve(timers(journeyId))));
const sent = (journeyId: string) => w.sql<{ n: number }>(`select count(*) n from messages where journey_id = ?`, journeyId)[0]?.n;

describe('pause, resume and archive, a slice of runs at a time', () => {
  it('pause parks the timers after its commit, serving other work between slices; the call answers once all are parked', async () => {
    const id = await waitingJourney();
    const paused = w.caller.journeys.pause({ id });
    const meanwhile = atNextTurn(id);
    expect(await paused).toMatchObject({ id, status: 'paused' });

    // the turn came after the status change and the first slice (ids 1…10), before the rest
    expect(await meanwhile).toEqual({ live: N - SLICE, parked: SLICE });
    expect(timers(id)).toEqual({ live: 0, parked: N });
    expect(await w.caller.journeys.dueOnResume({ id })).toEqual({ status: 'paused', timers: N, due: 0 });
  });

  it("resume puts them back the same way, 'skip' restarting each wait that fell due from the resume", async () => {
    const id = await waitingJourney();
    await w.caller.journeys.pause({ id });
    await w.caller.dev.advanceClock({ ms: 2 * DAY });
    expect(sent(id)).toBe(0);

    const resumed = w.caller.journeys.resume({ id, dueTimers: 'skip' });
    const meanwhile = atNextTurn(id);
    const r = await resumed;
    expect(await meanwhile).toEqual({ live: SLICE, parked: N - SLICE });
    expect(timers(id)).toEqual({ live: N, parked: 0 });
    // every slice restarted its waits from the resume's own moment, not from when the slice ran
    expect(w.sql(`select distinct wake_at from runs where journey_id = ?`, id)).toEqual([{ wake_at: r.updatedAt + DAY }]);
    // the moment was kept until the last slice, for a start-up to finish an interrupted skip
    expect(w.sql(`select resume_skip_from from journeys where id = ?`, id)).toEqual([{ resume_skip_from: null }]);

    await w.caller.dev.advanceClock({ ms: DAY + MINUTE });
    expect(sent(id)).toBe(N);
  });

  it('a run the slices have not reached is parked by the runner when it falls due, never stepped', async () => {
    const id = await waitingJourney();
    // paused, but no slice has run yet (a server stopped right after the commit)
    w.db.$client.prepare(`update journeys set status = 'paused' where id = ?`).run(id);
    w.services.engine.live.invalidate();
    await w.caller.dev.advanceClock({ ms: DAY + HOUR });

    expect(sent(id)).toBe(0);
    expect(timers(id)).toEqual({ live: 0, parked: N });
    expect(w.sql(`select distinct node_id, status from runs where journey_id = ?`, id)).toEqual([{ node_id: 'wait', status: 'waiting' }]);
  });

  it('archive ends the runs a slice at a time, serving other work between slices, each counted once as an exit', async () => {
    const id = await waitingJourney();
    const archived = w.caller.journeys.archive({ id });
    const meanwhile = atNextTurn(id);
    expect(await archived).toMatchObject({ id, status: 'archived', exited: N });

    expect(await meanwhile).toEqual({ live: N - SLICE, parked: 0 });
    expect(w.sql(`select status, exit_reason, count(*) n from runs where journey_id = ? group by 1, 2`, id)).toEqual([{ status: 'exited', exit_reason: 'journey_archived', n: N }]);
    expect(w.sql(`select sum(count) n from metrics where journey_id = ? and metric = 'exited' and label = 'journey_archived'`, id)).toEqual([{ n: N }]);
    expect(w.sql(`select sum(active) n from node_gauges g join journey_versions v on v.id = g.version_id where v.journey_id = ?`, id)).toEqual([{ n: 0 }]);
  });

  it('a run of an archived journey the slices have not reached is ended by the runner when it falls due, as the archive ends it', async () => {
    const id = await waitingJourney();
    w.db.$client.prepare(`update journeys set status = 'archived' where id = ?`).run(id);
    w.services.engine.live.invalidate();
    await w.caller.dev.advanceClock({ ms: DAY + HOUR });

    expect(sent(id)).toBe(0);
    expect(w.sql(`select status, exit_reason, count(*) n from runs where journey_id = ? group by 1, 2`, id)).toEqual([{ status: 'exited', exit_reason: 'journey_archived', n: N }]);
    expect(w.sql(`select sum(count) n from metrics where journey_id = ? and metric = 'exited' and label = 'journey_archived'`, id)).toEqual([{ n: N }]);
  });

  it("an archived journey's runs the slices have not reached let the event they wait for pass; the next start ends them", async () => {
    w = aTestWorld(NOON_SH, { sandbox: silentChannels });
    const id = await w.publish(
      aGraph()
        .node('entry', 'trigger.event', { event: 'credit_rejected' })
        .node('login', 'wait.event', { event: 'app_login', timeout: { amount: 30, unit: 'days' } })
        .node('sms', 'send', { channel: 'sms', template: 'recall_sms' })
        .node('done', 'exit', { reason: 'done' })
        .then('entry', 'login')
        .then('login', 'sms', 'event')
        .then('login', 'done', 'timeout')
        .then('sms', 'done')
        .build(),
      'Waits for a login',
    );
    const ids = ['a', 'b'];
    w.services.ingest.ingest(ids.map((userId, i) => ({ type: 'identify' as const, userId, traits: { phone: `+8613800000${i}` } })));
    w.services.ingest.ingest(ids.map((userId) => ({ type: 'track' as const, userId, event: 'credit_rejected' })));
    await w.caller.dev.advanceClock({ ms: MINUTE });
    // archived, no slice run yet (a server stopped right after the commit)
    w.db.$client.prepare(`update journeys set status = 'archived' where id = ?`).run(id);
    w.services.engine.live.invalidate();

    w.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'app_login' }]);
    await w.caller.dev.advanceClock({ ms: MINUTE });
    expect(sent(id)).toBe(0);
    expect(w.sql(`select distinct node_id, status from runs where journey_id = ?`, id)).toEqual([{ node_id: 'login', status: 'waiting' }]);

    createServices({ db: w.db, clock: w.clock, blueprints: () => [] });
    expect(w.sql(`select status, exit_reason, count(*) n from runs where journey_id = ? group by 1, 2`, id)).toEqual([{ status: 'exited', exit_reason: 'journey_archived', n: 2 }]);
    expect(w.sql(`select sum(count) n from metrics where journey_id = ? and metric = 'exited' and label = 'journey_archived'`, id)).toEqual([{ n: 2 }]);
    expect(w.sql(`select sum(active) n from node_gauges g join journey_versions v on v.id = g.version_id where v.journey_id = ?`, id)).toEqual([{ n: 0 }]);
  });

  it('timers a resume had not put back when the server stopped go back at the next start', async () => {
    const id = await waitingJourney();
    await w.caller.journeys.pause({ id });
    // live again, its timers still parked: the server stopped before the resume's slices ran
    w.db.$client.prepare(`update journeys set status = 'live' where id = ?`).run(id);
    expect(timers(id)).toEqual({ live: 0, parked: N });

    createServices({ db: w.db, clock: w.clock, blueprints: () => [] });
    expect(timers(id)).toEqual({ live: N, parked: 0 });
  });

  it("timers a 'skip' resume had not put back when the server stopped restart from the resume's moment at the next start, not at once", async () => {
    const id = await waitingJourney();
    await w.caller.journeys.pause({ id });
    await w.caller.dev.advanceClock({ ms: 2 * DAY });
    // the resume committed (live, its moment kept) and one slice ran before the server stopped
    const resumedAt = w.clock.now();
    w.db.$client.prepare(`update journeys set status = 'live', resume_skip_from = ? where id = ?`).run(resumedAt, id);
    runStore(w.db).releaseTimers(id, resumedAt, 'skip', SLICE);
    expect(timers(id)).toEqual({ live: SLICE, parked: N - SLICE });

    w.clock.advance(HOUR);
    createServices({ db: w.db, clock: w.clock, blueprints: () => [] });
    // all of them wait a day from the resume, none is due now: no burst of stale messages
    expect(w.sql(`select distinct wake_at from runs where journey_id = ?`, id)).toEqual([{ wake_at: resumedAt + DAY }]);
    expect(w.sql(`select resume_skip_from from journeys where id = ?`, id)).toEqual([{ resume_skip_from: null }]);
    await w.caller.dev.advanceClock({ ms: MINUTE });
    expect(sent(id)).toBe(0);
  });
});

/** credit_rejected → SMS → exit, the SMS channel at 5 a second: the first tick sends 5 and leaves 20 queued */
async function queuedJourney(): Promise<string> {
  w = aTestWorld(NOON_SH, { sandbox: silentChannels, dispatcher: { rates: { ...defaultDispatcherOptions.rates, sms: 5 } } });
  const id = await w.publish(sendOnEventGraph(), 'Sends at once');
  rejectN();
  await w.caller.dev.advanceClock({ ms: 0 });
  expect(outbox(id)).toEqual({ delivered: 5, queued: N - 5 });
  return id;
}

/** the journey's messages by status */
const outbox = (journeyId: string) =>
  Object.fromEntries(w.sql<{ status: string; n: number }>(`select status, count(*) n from messages where journey_id = ? group by status`, journeyId).map((r) => [r.status, r.n]));
const outboxAtNextTurn = (journeyId: string) => new Promise<Record<string, number>>((resolve) => setImmediate(() => resolve(outbox(journeyId))));

describe('the outbox of a paused, resumed or archived journey, a slice of messages at a time', () => {
  it('pause holds the queued messages after its commit, serving other work between slices; nothing is sent while paused', async () => {
    const id = await queuedJourney();
    const paused = w.caller.journeys.pause({ id });
    const meanwhile = outboxAtNextTurn(id);
    await paused;
    expect(await meanwhile).toEqual({ delivered: 5, held: SLICE, queued: N - 5 - SLICE });
    expect(outbox(id)).toEqual({ delivered: 5, held: N - 5 });
    expect(w.sql(`select distinct reason from messages where status = 'held'`)).toEqual([{ reason: 'journey_paused' }]);
    await w.caller.dev.advanceClock({ ms: HOUR });
    expect(outbox(id)).toEqual({ delivered: 5, held: N - 5 });
  });

  it("the dispatcher passes by a paused or archived journey's queued messages the slices have not reached", async () => {
    const id = await queuedJourney();
    // paused, no slice run yet (a server stopped right after the commit)
    w.db.$client.prepare(`update journeys set status = 'paused' where id = ?`).run(id);
    await w.caller.dev.advanceClock({ ms: MINUTE });
    expect(outbox(id)).toEqual({ delivered: 5, queued: N - 5 });
    w.db.$client.prepare(`update journeys set status = 'archived' where id = ?`).run(id);
    await w.caller.dev.advanceClock({ ms: MINUTE });
    expect(outbox(id)).toEqual({ delivered: 5, queued: N - 5 });
  });

  it('resume queues the held messages again the same way, and they go', async () => {
    const id = await queuedJourney();
    await w.caller.journeys.pause({ id });
    const resumed = w.caller.journeys.resume({ id });
    const meanwhile = outboxAtNextTurn(id);
    await resumed;
    expect(await meanwhile).toEqual({ delivered: 5, queued: SLICE, held: N - 5 - SLICE });
    expect(outbox(id)).toEqual({ delivered: 5, queued: N - 5 });
    await w.caller.dev.advanceClock({ ms: 10_000 });
    expect(outbox(id)).toEqual({ delivered: N });
  });

  it('archive suppresses what was not sent the same way, each message counted once', async () => {
    const id = await queuedJourney();
    await w.caller.journeys.pause({ id });
    // one held, the rest queued again (a resume the server stopped in the middle of): archive suppresses both
    w.db.$client.prepare(`update messages set status = 'queued' where id in (select id from messages where journey_id = ? and status = 'held' limit 19)`).run(id);
    const archived = w.caller.journeys.archive({ id });
    const meanwhile = outboxAtNextTurn(id);
    await archived;
    expect(await meanwhile).toEqual({ delivered: 5, suppressed: SLICE, queued: 19 - SLICE, held: 1 });
    expect(outbox(id)).toEqual({ delivered: 5, suppressed: N - 5 });
    expect(w.sql(`select sum(count) n from metrics where journey_id = ? and metric = 'suppressed' and label = 'journey_archived'`, id)).toEqual([{ n: N - 5 }]);
  });

  it('a start-up finishes what a stop between slices left: held messages of a live journey go, queued ones of a paused journey are held, an archived one’s are suppressed', async () => {
    const id = await queuedJourney();
    const c = w.db.$client;
    const restart = () => createServices({ db: w.db, clock: w.clock, blueprints: () => [] });

    // resumed, one slice of messages put back
    c.prepare(`update messages set status = 'held', reason = 'journey_paused' where id in (select id from messages where journey_id = ? and status = 'queued' limit 7)`).run(id);
    restart();
    expect(outbox(id)).toEqual({ delivered: 5, queued: N - 5 });

    // paused, before its first slice
    c.prepare(`update journeys set status = 'paused' where id = ?`).run(id);
    restart();
    expect(outbox(id)).toEqual({ delivered: 5, held: N - 5 });

    // archived, before its first slice
    c.prepare(`update messages set status = 'queued', reason = null where id in (select id from messages where journey_id = ? and status = 'held' limit 7)`).run(id);
    c.prepare(`update journeys set status = 'archived' where id = ?`).run(id);
    restart();
    expect(outbox(id)).toEqual({ delivered: 5, suppressed: N - 5 });
    expect(w.sql(`select sum(count) n from metrics where journey_id = ? and metric = 'suppressed' and label = 'journey_archived'`, id)).toEqual([{ n: N - 5 }]);
  });
});
