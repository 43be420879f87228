import type { Db } from '../db/client';
import type { LiveIndex } from './live';
import type { NewEvent } from './events';

/**
 * The set-based side of event ingestion, for the SDK's batches: most events
 * (screens, clicks, logins nobody waits for) route nowhere, and those are
 * appended in one statement instead of one insert and three lookups each.
 * An event routes somewhere when a live journey ends on, starts on or counts
 * its name, or a run of its contact waits for it; the ingest service sends
 * those through the event router one by one, in order.
 */
export function createBulkEvents(db: Db, live: LiveIndex) {
  const c = db.$client;
  // which of these [contact, name] pairs a run waits for: one index probe each (runs_waiting_for), all in SQLite
  const awaitedStmt = c.prepare<[string], number>(`select j.key from json_each(?) j where exists (select 1 from runs r where r.waiting_for = j.value ->> 1 and r.contact_id = j.value ->> 0)`).pluck();
  const append = c.prepare<[number, string]>(
    `insert into events (contact_id, name, type, properties, context, at, message_id, received_at)
     select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, ? from json_each(?)`,
  );
  return {
    /** A live journey ends on, starts on, or counts events of this name. */
    routedByName: (name: string): boolean => live.endingOn(name).length > 0 || live.triggeredBy(name).length > 0 || live.trackedOn(name).length > 0,

    /** The indexes of `events` that a run of their contact waits for. */
    awaited(events: readonly NewEvent[]): Set<number> {
      if (events.length === 0) return new Set();
      return new Set(awaitedStmt.all(JSON.stringify(events.map((e) => [e.contactId, e.name]))));
    },

    /** Append events that route nowhere, in their order (their ids ascend in it), in one statement. */
    append(events: readonly NewEvent[], now: number): void {
      if (events.length === 0) return;
      append.run(now, JSON.stringify(events.map((e) => [e.contactId, e.name, e.type, JSON.stringify(e.properties), e.context ? JSON.stringify(e.context) : null, e.at, e.messageId ?? null])));
    },
  };
}

export type BulkEvents = ReturnType<typeof createBulkEvents>;
