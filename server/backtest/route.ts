import type { Db } from '../db/client';
import type { EventRouter, NewEvent } from '../engine/events';
import type { LiveIndex, Tracked } from '../engine/live';
import { addToMetric } from '../engine/counters';
import { kindDef } from '../../shared/journey/registry';
import { matchesFilters } from '../../shared/segments/evaluate';
import { DAY, utcDay } from '../../shared/util/time';

/** A goal or funnel credit held back: the event's contact and time, under the goal it credits. */
interface HeldCredit {
  contactId: number;
  at: number;
  t: Tracked;
}

/**
 * The engine's event router as a replay drives it, recorded events in time
 * order: an event that moves nothing at once (no run of its contact waits for
 * it or ends on it, no journey starts on it) is held, and the held events are
 * written in bulk: appended in one statement, their goals and funnel steps
 * credited from their contacts' run paths read in one statement, and the
 * `reached` counters added at once (`writeCredits`). An event
 * that moves a run is appended with what was held before it and moved by the
 * engine's own router (`move`: the runs it wakes or ends, the journeys it
 * starts); its credit is held like the others.
 *
 * The same rows as routing each event at once: a held event changes no run,
 * so nothing else reads differently for it meanwhile, and what it would read
 * stays as it was until the replay flushes; the flush comes before anything
 * could change that. Held events are appended before any event is routed at
 * once (the runner reads a contact's events, and an event wakes a sleeping
 * contact) and before every tick, so events keep their order and ids; a
 * held credit reads its contact's runs, which only an event of that contact
 * that moves them or a tick moves, so those credits go first. Credits of different
 * contacts never meet (a conversion counts once per contact, node and goal).
 * Differences, none read by the replay or its report: the credits are
 * counted but not kept as rows of `conversions` (see `converted`); given
 * `readNames` (a replay without the sleeping pass, which reads every event),
 * only events of those names get a row, the names something reads back from
 * the events table (branch look-backs, the segment's rules, the rejection
 * cooldown), and any other just wakes its contact if sleeping, as the table's
 * trigger would; and by construction of the backtest's outbox, its messages
 * have no variant (nothing is rendered), so no credit counts per variant, as
 * the engine's router would not either on the same copy.
 */
export function createHeldRouter(db: Db, events: EventRouter, live: LiveIndex, readNames: ReadonlySet<string> | null = null) {
  const c = db.$client;
  const waiting = c
    .prepare<[string, number], number>(
      `select 1 from runs where waiting_for = ? and contact_id = ?
       and not exists (select 1 from journeys j where j.id = runs.journey_id and (j.status = 'paused' or j.error is not null)) limit 1`,
    )
    .pluck();
  const ending = c.prepare<[number, string], number>(`select 1 from runs where contact_id = ? and status <> 'exited' and version_id in (select value from json_each(?)) limit 1`).pluck();
  const append = c.prepare<[string]>(
    `insert into events (contact_id, name, type, properties, context, at, message_id, received_at)
     select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7 from json_each(?) where true order by key`,
  );
  // the runs a list of contacts have (one per version: runs_contact_version), with their paths
  const runsOf = c.prepare<[string], [number, number, number, string]>('select contact_id, version_id, id, path from runs where contact_id in (select value from json_each(?))').raw(true);
  /**
   * The conversions credited so far, by contact, as the unique index (contact, journey, version, node, goal)
   * holds them on the live database. Kept here rather than as rows of the copy's `conversions`: nothing the
   * replay runs reads that table (the engine never does), nor does the report, whose goal figures are the
   * `reached` counters the credits add to; a million contacts' credits were over a million rows written for
   * nothing. This set is the once-per-contact-node-goal rule
   */
  // empty at the start: the copy holds no conversions (copy.ts copies none), and the replay writes none
  const converted = new Map<number, Set<string>>();
  function convert(contactId: number, versionId: number, nodeId: string, goal: string): boolean {
    let mine = converted.get(contactId);
    if (mine === undefined) converted.set(contactId, (mine = new Set()));
    const k = `${versionId}\u0000${nodeId}\u0000${goal}`;
    if (mine.has(k)) return false;
    mine.add(k);
    return true;
  }
  const bumpMetric = c.prepare(addToMetric);
  // what the events_wake_sleeping trigger does for an event appended: here for those not appended
  const wake = c.prepare<[string]>('update contacts set sleeping_since = null where id in (select value from json_each(?)) and sleeping_since is not null');
  // given `readNames`, the sleeping pass is off (replay.ts): only it marks anyone, so with no one sleeping in the
  // copy at the start nobody ever is, and an event has no one to wake (at a million contacts, a thousand statements)
  const anySleeping = readNames === null || c.prepare<[], number>('select exists (select 1 from contacts where sleeping_since is not null)').pluck().get() === 1;

  /** events to append, as rows of the insert */
  let held: unknown[][] = [];
  /** contacts of events not appended (no one reads their name back) that would have woken them */
  let woken: number[] = [];
  /** credits to write, by contact, each contact's in event order (credits of different contacts never meet) */
  let credits = new Map<number, HeldCredit[]>();
  /** each event's place in the replay (the id the engine's router is given) */
  let seq = 0;

  const appendHeld = () => {
    if (held.length > 0) append.run(JSON.stringify(held));
    if (woken.length > 0) wake.run(JSON.stringify(woken));
    held = [];
    woken = [];
  };

  /**
   * The router's credit (events.ts, step 3) for a list of held events, read
   * from their contacts' runs in one statement: each node of the contact's run
   * in the goal's version visited within the goal's window up to the event,
   * once per contact, node and goal, each contact's in event order (as
   * `list` holds them); the `reached` counters added up.
   */
  const writeCredits = (list: HeldCredit[]) => {
    if (list.length === 0) return;
    const runs = new Map<number, { versionId: number; id: number; path: string }[]>();
    for (const [contactId, versionId, id, path] of runsOf.all(JSON.stringify([...new Set(list.map((h) => h.contactId))]))) {
      const l = runs.get(contactId);
      if (l) l.push({ versionId, id, path });
      else runs.set(contactId, [{ versionId, id, path }]);
    }
    const paths = new Map<number, [string, number, number, unknown][]>();
    const tally = new Map<string, { t: Tracked; nodeId: string; day: string; n: number }>();
    /** the nodes of one credit, each once (a path holds a handful) */
    const nodes: string[] = [];
    for (const h of list) {
      const { t } = h;
      for (const r of runs.get(h.contactId) ?? []) {
        if (r.versionId !== t.v.versionId) continue;
        let path = paths.get(r.id);
        if (path === undefined) paths.set(r.id, (path = JSON.parse(r.path) as [string, number, number, unknown][]));
        const since = h.at - t.windowDays * DAY;
        nodes.length = 0;
        for (const entry of path) {
          const at = entry[2];
          if (at >= since && at <= h.at && !nodes.includes(entry[0])) nodes.push(entry[0]);
        }
        const day = nodes.length === 0 ? '' : utcDay(h.at);
        for (const nodeId of nodes) {
          if (!convert(h.contactId, t.v.versionId, nodeId, t.event)) continue;
          const k = `${t.v.versionId}\u0000${t.event}\u0000${nodeId}\u0000${day}`;
          const x = tally.get(k);
          if (x) x.n++;
          else tally.set(k, { t, nodeId, day, n: 1 });
        }
      }
    }
    for (const x of tally.values()) bumpMetric.run(x.t.v.journeyId, x.t.v.version, x.nodeId, 'reached', x.t.event, x.day, x.n);
  };

  /** Does routing `e` move a run or start one now? (The router's steps 1 and 2, as reads.) */
  const movesNow = (e: NewEvent): boolean => {
    if (e.type === 'system') return false;
    if (waiting.get(e.name, e.contactId) !== undefined) return true;
    const endingOn = live.endingOn(e.name);
    if (endingOn.length > 0 && ending.get(e.contactId, JSON.stringify(endingOn)) !== undefined) return true;
    const ev = { name: e.name, at: e.at, properties: e.properties };
    return live.triggeredBy(e.name).some((v) => {
      const entry = v.machine.nodes[v.machine.entry];
      return entry !== undefined && kindDef(entry.kind).accepts?.(entry.config, ev) === true;
    });
  };

  return {
    /** Record `e` at `now`, as the router's `record`: true when it moved or started a run (the moment then holds new work). */
    record(e: NewEvent, now: number): boolean {
      const moves = movesNow(e);
      const eventId = ++seq;
      // an event whose name nothing reads back is routed and credited all the same, without a row
      if (readNames === null || readNames.has(e.name))
        held.push([e.contactId, e.name, e.type, JSON.stringify(e.properties), e.context ? JSON.stringify(e.context) : null, e.at, e.messageId ?? null, now]);
      else if (e.type !== 'system' && anySleeping) woken.push(e.contactId);
      if (moves) {
        appendHeld();
        const mine = credits.get(e.contactId);
        if (mine) {
          credits.delete(e.contactId);
          writeCredits(mine);
        }
        events.move({ eventId, contactId: e.contactId, name: e.name, properties: e.properties, at: e.at }, now);
      }
      // its own credit after its move, as the router does; held like the others (only this contact's routed events and the ticks read what it writes)
      if (e.type !== 'system')
        for (const t of live.trackedOn(e.name)) {
          if (!matchesFilters(e.properties, t.filter)) continue;
          const h: HeldCredit = { contactId: e.contactId, at: e.at, t };
          const mine = credits.get(e.contactId);
          if (mine) mine.push(h);
          else credits.set(e.contactId, [h]);
        }
      return moves;
    },

    /** Write everything held (before a tick, and at the end). */
    flush(): void {
      appendHeld();
      if (credits.size === 0) return;
      const all: HeldCredit[] = [];
      for (const l of credits.values()) for (const h of l) all.push(h);
      credits = new Map();
      writeCredits(all);
    },
  };
}

export type HeldRouter = ReturnType<typeof createHeldRouter>;
