import type { Db } from '../db/client';
import { matchesFilters } from '../../shared/segments/evaluate';
import { DAY, utcDay } from '../../shared/util/time';
import { runColumns, type Runner } from './runner';
import type { LiveIndex } from './live';
import type { RunRow } from './writeBatch';
import { enrolContact } from './enrol';
import { addToMetrics } from './counters';
import { kindDef } from '../../shared/journey/registry';

export interface IngestedEvent {
  eventId: number;
  contactId: number;
  name: string;
  properties: Record<string, unknown>;
  at: number;
}

export interface NewEvent {
  contactId: number;
  name: string;
  type: 'track' | 'page' | 'screen' | 'system';
  properties: Record<string, unknown>;
  context?: Record<string, unknown> | null;
  at: number;
  messageId?: string | null;
}

/**
 * What an ingested event does, in order: wake this contact's runs that wait
 * for it or end on it (exit criteria), start event-triggered journeys, then
 * credit goals to the nodes the contact visited within each attribution window.
 * A paused journey takes no part in any of the three (see `createLiveIndex`),
 * nor does one marked errored until an operator clears it.
 */
export function createEventRouter({ db, runner, live }: { db: Db; runner: Runner; live: LiveIndex }) {
  const c = db.$client;
  // the runs waiting for this very event: straight through the index on the awaited event. A paused or
  // errored journey's runs are frozen: the event passes them by (it is not kept for later), as do its exit
  // criteria (the live index leaves both out). An archived journey's runs are being ended, a slice at a time
  // after the archive's commit: the event passes them by too
  const waitingRuns = c.prepare<[string, number], RunRow>(
    `select ${runColumns} from runs where waiting_for = ? and contact_id = ?
     and not exists (select 1 from journeys j where j.id = runs.journey_id and (j.status in ('paused', 'archived') or j.error is not null))`,
  );
  // the contact's live runs in versions that end on this event (exit criteria), through runs_contact_version
  const endingRuns = c.prepare<[number, string], RunRow>(`select ${runColumns} from runs where contact_id = ? and status <> 'exited' and version_id in (select value from json_each(?))`);
  // once per contact, node and event (the unique index): the first time counts people, later repeats do not
  const credit = c.prepare<[number, string, number, number, string, number, number, number], { node_id: string; run_id: number }>(
    `insert into conversions (event_id, run_id, contact_id, journey_id, version, node_id, goal, at)
     select ?, r.id, r.contact_id, r.journey_id, v.version, p.value ->> 0, ?, ?
     from runs r join journey_versions v on v.id = r.version_id, json_each(r.path) p
     where r.contact_id = ? and r.journey_id = ? and v.version = ? and p.value ->> 2 >= ? and p.value ->> 2 <= ?
     group by r.id, p.value ->> 0
     on conflict do nothing returning node_id, run_id`,
  );
  const variantAt = c.prepare<[number, string], { variant: string }>('select variant from messages where run_id = ? and node_id = ? and variant is not null order by visit desc limit 1');
  const insertEvent = c.prepare<unknown[], { id: number }>(
    `insert into events (contact_id, name, type, properties, context, at, message_id, received_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  );
  const bumpMetric = c.prepare(addToMetrics('values (?, ?, ?, ?, ?, ?, 1)'));

  const api = {
    /** Append the event, then route it. */
    record(e: NewEvent, now: number): number {
      const row = insertEvent.get(e.contactId, e.name, e.type, JSON.stringify(e.properties), e.context ? JSON.stringify(e.context) : null, e.at, e.messageId ?? null, now) as { id: number };
      if (e.type !== 'system') api.route({ eventId: row.id, contactId: e.contactId, name: e.name, properties: e.properties, at: e.at }, now);
      return row.id;
    },

    route(e: IngestedEvent, now: number): void {
      api.move(e, now);
      api.credit(e);
    },

    /** Routing's first two steps: the runs it wakes or ends, the journeys it starts (a backtest holds the third, `credit`, to write in bulk). */
    move(e: IngestedEvent, now: number): void {
      // 1. runs waiting for it, or whose journey ends on it
      const ev = event(e);
      const rows = waitingRuns.all(e.name, e.contactId);
      const ending = live.endingOn(e.name);
      if (ending.length) for (const r of endingRuns.all(e.contactId, JSON.stringify(ending))) if (!rows.some((x) => x.id === r.id)) rows.push(r);
      runner.advance(rows, () => ({ type: 'event', event: ev }), now);
      // 2. journeys that start on it
      for (const v of live.triggeredBy(e.name)) {
        const entry = v.machine.nodes[v.machine.entry];
        if (!entry || !kindDef(entry.kind).accepts?.(entry.config, ev)) continue;
        enrolContact(db, v, e.contactId, now);
      }
    },

    /** Routing's third step, after `move`. */
    credit(e: IngestedEvent): void {
      // 3. goals and funnel steps: credit every node visited within the window before the event,
      //    counted per node (`reached`, labelled with the event) and per node and variant of its message
      for (const t of live.trackedOn(e.name)) {
        if (!matchesFilters(e.properties, t.filter)) continue;
        const day = utcDay(e.at);
        for (const r of credit.all(e.eventId, t.event, e.at, e.contactId, t.v.journeyId, t.v.version, e.at - t.windowDays * DAY, e.at)) {
          bumpMetric.run(t.v.journeyId, t.v.version, r.node_id, 'reached', t.event, day);
          const m = variantAt.get(r.run_id, r.node_id);
          if (m) bumpMetric.run(t.v.journeyId, t.v.version, r.node_id, 'reached_variant', `${t.event}|${m.variant}`, day);
        }
      }
    },
  };
  return api;
}

const event = (e: IngestedEvent) => ({ name: e.name, at: e.at, properties: e.properties });

export type EventRouter = ReturnType<typeof createEventRouter>;
