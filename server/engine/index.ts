import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { channels } from '../../shared/journey/channels';
import type { ChannelProvider } from '../channels/provider';
import { createSandboxProvider, type SandboxBehaviour } from '../channels/sandbox';
import type { TemplateStore } from '../templates/store';
import { createClickRecorder } from './clicks';
import { clickEvent } from '../channels/sandbox';
import { createMachineCache } from './machines';
import { createLiveIndex } from './live';
import { createRunner, type EngineSettings, type TickReport } from './runner';
import { createEventRouter } from './events';
import { createDispatcher, type DispatchReport, type DispatcherOptions } from './dispatcher';
import { nextEnrolmentAt, runSegmentEntries } from './segmentEntry';
import { createRunLifecycle } from './lifecycle';
import { createOutbox } from '../outbox';
import { createSleepingPass } from '../sleeping';
import { tickParts } from './attempts';
import { ownershipOf } from '../outbox/ownership';
import { createAgentTasks } from '../agentTasks';
import { createAgentCallProvider } from '../channels/agentCall';
import { createEventInbox, type DrainOptions, type DrainReport } from './eventInbox';

export interface EngineDeps {
  db: Db;
  settings: () => EngineSettings;
  templates: TemplateStore;
  /** the origin tracked links point at */
  publicUrl: () => string;
  /** keys tracked-link codes (the workspace's random secret) */
  linkSecret: () => string;
  /** per-channel providers; the sandbox stands in for any channel not given */
  providers?: Partial<Record<Channel, ChannelProvider>>;
  /** sandbox probabilities per channel, where the defaults do not fit */
  sandbox?: Partial<Record<Channel, SandboxBehaviour>>;
  dispatcher?: Partial<DispatcherOptions>;
}

export interface EngineTick {
  now: number;
  /** queued /v1/batch events indexed (or dropped as retries) from the inbox, first thing in the tick */
  inbox: DrainReport;
  enrolled: number;
  responses: number;
  runs: TickReport;
  dispatch: DispatchReport;
}

/**
 * The engine: queued events indexed, segment entry on schedule, due sandbox
 * replies, the runner, then the dispatcher. `tick(now)` never overlaps itself: a tick that finds
 * another in progress returns null at once, as does every tick once another
 * server has taken the database over.
 */
export function createEngine({ db, settings, templates, publicUrl, linkSecret, providers = {}, sandbox = {}, dispatcher: dispatcherOptions }: EngineDeps) {
  const machines = createMachineCache(db);
  const live = createLiveIndex(db, machines);
  const runner = createRunner({ db, machines, settings });
  const events = createEventRouter({ db, runner, live });
  const clicks = createClickRecorder(db, events);
  const c = db.$client;
  // the one writer of message status: the dispatcher claims and settles through it, the lifecycle holds and suppresses
  const outbox = createOutbox(db, { ...(dispatcherOptions?.wallNow ? { wallNow: dispatcherOptions.wallNow } : {}), ...(dispatcherOptions?.leaseMs ? { leaseMs: dispatcherOptions.leaseMs } : {}) });
  // like a real gateway, the sandbox accepts a message key once: a resend after a crash is a no-op
  const recordDelivery = c.prepare(
    `insert into sandbox_deliveries (message_id, channel, "to", body, outcome, at) select ?, ?, ?, ?, ?, ?
     where ? = 'failed' or not exists (select 1 from sandbox_deliveries where message_id = ? and outcome != 'failed')`,
  );
  const scheduleEvent = c.prepare('insert into scheduled_events (contact_id, name, properties, due_at) values (?, ?, ?, ?)');
  const dueEvents = c.prepare<[number, number], { id: number; contact_id: number; name: string; properties: string; due_at: number }>(
    'select id, contact_id, name, properties, due_at from scheduled_events where due_at <= ? order by due_at, id limit ?',
  );
  const deleteEvent = c.prepare('delete from scheduled_events where id = ?');
  const nextTimer = c.prepare<[number, number, number], { t: number | null }>(
    `select min(t) t from (
       select min(wake_at) t from runs where wake_at > ?
       union all select min(due_at) from scheduled_events where due_at > ?
       union all select min(next_attempt_at) from messages where status = 'queued' and next_attempt_at > ?)`,
  );

  // an agent call is a task in the call-centre queue unless CHANNEL_PROVIDERS hands the channel to someone else
  const agentTasks = createAgentTasks(db, { timezone: () => settings().timezone, callingHours: () => settings().policy.guardrails.robocalls });
  const agentCall = createAgentCallProvider((messageId, script, now) => agentTasks.queueForMessage(messageId, script, now));
  const resolved = Object.fromEntries(
    channels.map((ch) => [
      ch,
      providers[ch] ??
        (ch === 'agent_call' && !sandbox[ch] ? agentCall : undefined) ??
        createSandboxProvider(ch, {
          seed: settings().rngSeed,
          ...(sandbox[ch] ? { behaviour: sandbox[ch] } : {}),
          record: (m, outcome, now) => recordDelivery.run(m.id, m.channel, m.to.phone ?? m.to.email ?? m.to.externalId, Object.values(m.parts).join('\n'), outcome, now, outcome, m.id).changes > 0,
        }),
    ]),
  ) as Record<Channel, ChannelProvider>;

  const dispatcher = createDispatcher({
    db,
    templates,
    providers: resolved,
    settings,
    publicUrl,
    linkSecret,
    outbox,
    options: dispatcherOptions,
    onResponse: (contactId, messageId, r, at) => scheduleEvent.run(contactId, r.event, JSON.stringify({ ...r.properties, message_id: messageId }), at),
  });

  /** Replies whose time has come become events, routed like any ingested event. */
  const deliverDueEvents = c.transaction((now: number): number => {
    const rows = dueEvents.all(now, 5000);
    for (const r of rows) {
      const properties = JSON.parse(r.properties) as Record<string, unknown>;
      // a simulated tap goes through the same path as a real one on /l/:code
      if (r.name === clickEvent && typeof properties.link_code === 'string') clicks(properties.link_code, r.due_at, now, 'sandbox');
      else events.record({ contactId: r.contact_id, name: r.name, type: 'track', properties, at: r.due_at }, now);
      deleteEvent.run(r.id);
    }
    return rows.length;
  });

  /** The next run timer, simulated reply or retry after `after`: three index probes (a backtest asks after every event it replays). */
  const nextTimerDue = (after: number): number | null => nextTimer.get(after, after, after)?.t ?? null;
  /** The next scheduled segment entry after `after`; it moves only when a tick enrols or the live journeys change. */
  const nextEnrolmentDue = (after: number): number | null => nextEnrolmentAt(db, live.live(), after, settings().timezone);

  const sleeping = createSleepingPass(db);
  const inbox = createEventInbox(db);

  let busy = false;
  /**
   * A tick that left an inbox backlog goes on indexing it after the dispatcher
   * until it has run this long (ms): most of the scheduler's second, the rest
   * left to the API thread's own writes and the next tick's start.
   */
  const tickIndexingMs = 700;
  /** indexed by `indexBetweenTicks` since the last tick, which reports them as its own */
  let between = { indexed: 0, duplicates: 0 };
  return {
    runner,
    events,
    live,
    dispatcher,
    outbox,
    clicks,
    /** each channel's provider as the dispatcher sends through it (test sends use the same) */
    providers: resolved,
    /** pause / resume / archive on the runs and outbox of one journey; the caller holds the transaction */
    lifecycle: createRunLifecycle(db, outbox),

    async tick(now: number): Promise<EngineTick | null> {
      // another server took the database over: this one runs API-only from here (outbox/ownership.ts)
      if (busy || ownershipOf(db)?.held() === false) return null;
      busy = true;
      const startedAt = performance.now();
      try {
        // the dispatcher sends what is queued even when a step before it threw (a journey's bad segment,
        // a runner error): one broken part never stops the outbox; the first error is thrown after
        const { attempt, rethrow } = tickParts();
        const s = settings();
        // first, so segment entry, the runner's conditions and the sleeping pass see the events accepted before the tick
        // (all of them, unless a backlog needs more than one tick's budget)
        let indexed = attempt(() => inbox.drain(), { indexed: 0, duplicates: 0, backlog: false });
        const enrolled = attempt(() => runSegmentEntries(db, live.live(), now, s.timezone).reduce((n, e) => n + e.enrolled, 0), 0);
        const responses = attempt(() => deliverDueEvents(now), 0);
        const runs = attempt((): TickReport => runner.tick(now), { stepped: 0, queued: 0, withheld: 0, exited: 0, batches: 0, backlog: false });
        // after the runner, so a message queued this tick already counts; once an hour, one statement
        attempt(() => sleeping.maybePass(now, s.policy.guardrails.sleeping), 0);
        const dispatch = await dispatcher.dispatch(now);
        // the runner and the dispatcher have had their turn: what is left of the tick goes on with a backlog (the drain's
        // own budget alone left the engine idle half of each second while events waited: bench:api)
        const left = tickIndexingMs - (performance.now() - startedAt);
        if (indexed.backlog && left > 0) {
          const more = attempt(() => inbox.drain({ budgetMs: left }), null);
          if (more) indexed = { indexed: indexed.indexed + more.indexed, duplicates: indexed.duplicates + more.duplicates, backlog: more.backlog };
        }
        rethrow();
        indexed = { ...indexed, indexed: indexed.indexed + between.indexed, duplicates: indexed.duplicates + between.duplicates };
        between = { indexed: 0, duplicates: 0 };
        return { now, inbox: indexed, enrolled, responses, runs, dispatch };
      } finally {
        busy = false;
      }
    },

    /**
     * Index an inbox backlog that a tick left, between ticks, for about
     * `drain.budgetMs`. The engine thread calls this a slice at a time while it has
     * nothing else to do, rather than sit idle for the rest of the second while
     * events wait (a tick indexes for 0.7 s at most; what it measured: worker.ts).
     * What it indexes is counted in the next tick's report. It returns true while a backlog is
     * left. It returns false when there is nothing to go on with now: no
     * backlog, a tick in progress (which goes on with the backlog itself),
     * another server owns the database, or the drain threw (the next tick's
     * own drain throws it again and reports it).
     */
    indexBetweenTicks(drain: DrainOptions): boolean {
      if (busy || ownershipOf(db)?.held() === false) return false;
      busy = true;
      try {
        const r = inbox.drain(drain);
        between = { indexed: between.indexed + r.indexed, duplicates: between.duplicates + r.duplicates };
        return r.backlog;
      } catch {
        return false;
      } finally {
        busy = false;
      }
    },

    /** The next moment anything is due (a run's timer, a simulated reply, a retry, a segment entry), for the fake clock to jump to. */
    nextDue(after: number): number | null {
      const t = nextTimerDue(after);
      const enrol = nextEnrolmentDue(after);
      return t === null ? enrol : enrol === null ? t : Math.min(t, enrol);
    },
    nextTimerDue,
    nextEnrolmentDue,
  };
}

export type Engine = ReturnType<typeof createEngine>;
