import type { Db } from '../db/client';
import { defaultYieldAfterMs, inSlices } from '../db/writeGate';
import type { NewEvent } from './events';

/** What one drain did: events written to `events`, retries of a messageId already ingested that were dropped, and whether rows were left for the next. */
export interface DrainReport {
  indexed: number;
  duplicates: number;
  backlog: boolean;
}

/** An inbox row as the drain reads it: how many events it holds, how many with a messageId. */
interface Waiting {
  id: number;
  events: number;
  message_ids: number;
}

export interface DrainOptions {
  /** the most inbox rows (requests) one drain reads; the rest wait for the next tick */
  maxRows?: number;
  /**
   * no chunk starts once the drain has run this long (ms): a backlog is
   * indexed over several ticks, and each leaves the runner and the dispatcher
   * their turn (a burst of 1.6M events, indexed 100,000 a tick, made ticks
   * of 3 s)
   */
  budgetMs?: number;
  /**
   * rows indexed by one statement. One statement over many events writes each
   * index page it touches once: draining 600,000 events with random contacts
   * and messageIds took 18.7 µs an event a row at a time, 10.0 µs twenty rows
   * (10,000 events) at a time and 7.6 µs a hundred at a time, in transactions
   * of 200 rows alike
   */
  chunkRows?: number;
  /** with the engine on its own thread: commit between two chunks once the drain has held the write lock this long (ms) and an API writer waits */
  yieldAfterMs?: number;
}

/**
 * The events inbox: where big /v1/batch requests of plain tracked events go
 * (known contacts, an event no run waits for and no live journey starts on,
 * ends on or counts), so that the request costs one append, and where the
 * engine takes them from, at the start of its next tick, into `events`.
 *
 * Indexing is what an event costs: a random insert into events_contact_name_at
 * and into the messageId index of `ingested` each. Made on the request path,
 * in commits of a few requests, each event dirtied a page of each, and
 * ingestion held at about 40,000 events/s; here ten thousand events at a time
 * share pages (bench:api: 45,000–57,000 events/s indexed while they come),
 * and the request is an append (95,000–165,000 events/s accepted in a burst
 * indexed after it). An accepted event shows on the timeline, in segments and
 * in analytics from the next tick (a second with the scheduler's default), or
 * a few later after a burst, as in Segment's own pipeline.
 *
 * A retry of a messageId is dropped here, as the request path drops one: the
 * first of the id to be indexed wins, whichever path it took (the request
 * dedupes its own calls at once).
 */
export function createEventInbox(db: Db) {
  const c = db.$client;
  const append = c.prepare<[number, number, number, string]>('insert into events_inbox (received_at, events, message_ids, body) values (?, ?, ?, ?)');
  const backlog = c.prepare<[], { rows: number; events: number | null; oldest: number | null }>('select count(*) rows, sum(events) events, min(received_at) oldest from events_inbox');
  // the events of requests `from` to `to` (inbox ids), in their order
  const queued = `events_inbox i, json_each(i.body) j where i.id >= ? and i.id <= ?`;
  const columns = `insert into events (contact_id, name, type, properties, context, at, message_id, received_at)
     select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, i.received_at from ${queued}`;
  const insertAll = c.prepare<[number, number]>(`${columns} order by i.id, j.key`);
  // a request's messageIds are distinct (the request path drops its repeats): an event is new unless `ingested` holds its id
  const insertNew = c.prepare<[number, number]>(`${columns} and (j.value ->> 6 is null or not exists (select 1 from ingested where message_id = j.value ->> 6)) order by i.id, j.key`);
  // ordered, so the ids go into ingested's index in order; how many were new
  const markSeen = c.prepare<[number, number]>(
    `insert into ingested (message_id, received_at) select j.value ->> 6, i.received_at from ${queued} and j.value ->> 6 is not null order by 1 on conflict do nothing`,
  );
  const removeRange = c.prepare<[number, number]>('delete from events_inbox where id >= ? and id <= ?');
  const oldest = c.prepare<[number], Waiting>('select id, events, message_ids from events_inbox order by id limit ?');
  // a contact merged into another while its events waited: they follow it, as its indexed events do
  const renumber = c.prepare<[number, number, number]>(
    `update events_inbox set body = (select json_group_array(json(v)) from (select case when value ->> 0 = ? then json_replace(value, '$[0]', ?) else value end v from json_each(events_inbox.body) order by key))
     where exists (select 1 from json_each(events_inbox.body) where value ->> 0 = ?)`,
  );

  /**
   * Requests `rows` into `events`, their retries left out: [indexed, duplicates].
   * Their messageIds go into `ingested` first, in one statement; when every one
   * was new (a retry is rare), their events follow in one more. Otherwise that
   * is undone and the rows go one at a time, each event of a row new unless
   * `ingested` holds its id by then, so of two requests carrying an id the
   * first is indexed.
   */
  function drainRows(rows: readonly Waiting[]): [number, number] {
    const from = (rows[0] as Waiting).id;
    const to = (rows[rows.length - 1] as Waiting).id;
    const events = rows.reduce((n, r) => n + r.events, 0);
    c.exec('SAVEPOINT drain');
    let indexed: number;
    if (markSeen.run(from, to).changes === rows.reduce((n, r) => n + r.message_ids, 0)) indexed = insertAll.run(from, to).changes;
    else {
      c.exec('ROLLBACK TO drain');
      indexed = 0;
      for (const r of rows) {
        indexed += insertNew.run(r.id, r.id).changes;
        markSeen.run(r.id, r.id);
      }
    }
    c.exec('RELEASE drain');
    removeRange.run(from, to);
    return [indexed, events - indexed];
  }

  return {
    /**
     * Append one request's events (already free of repeated messageIds among
     * themselves), in their order. The caller holds the transaction.
     */
    enqueue(events: readonly NewEvent[], now: number): void {
      if (events.length === 0) return;
      append.run(
        now,
        events.length,
        events.reduce((n, e) => (e.messageId ? n + 1 : n), 0),
        JSON.stringify(events.map((e) => [e.contactId, e.name, e.type, JSON.stringify(e.properties), e.context ? JSON.stringify(e.context) : null, e.at, e.messageId ?? null])),
      );
    },

    /**
     * Index the oldest `maxRows` requests, in the order they came, `chunkRows`
     * at a time (three statements a chunk), for `budgetMs` at most. With the
     * engine on its own thread, the chunks go in one transaction until an API
     * writer waits, then commit and go on in the next (`inSlices`, as the
     * runner's batch writes), so an API write waits for one chunk at most
     * (10,000 events: about 100 ms here).
     */
    drain({ maxRows = 200, chunkRows = 20, budgetMs = 500, yieldAfterMs = defaultYieldAfterMs }: DrainOptions = {}): DrainReport {
      const startedAt = performance.now();
      const rows = oldest.all(maxRows);
      const report: DrainReport = { indexed: 0, duplicates: 0, backlog: false };
      inSlices(c, rows.length, chunkRows, yieldAfterMs, () => (i) => {
        const [indexed, duplicates] = drainRows(rows.slice(i, i + chunkRows));
        report.indexed += indexed;
        report.duplicates += duplicates;
        return performance.now() - startedAt < budgetMs;
      });
      report.backlog = oldest.all(1).length > 0;
      return report;
    },

    /** Move the waiting events of contact `from` to contact `into` (a merge). The caller holds the transaction. */
    renumber(from: number, into: number): void {
      renumber.run(from, into, from);
    },

    /** Requests and events waiting, and when the oldest came (null when none). */
    backlog(): { rows: number; events: number; oldestReceivedAt: number | null } {
      const b = backlog.get() ?? { rows: 0, events: 0, oldest: null };
      return { rows: b.rows, events: b.events ?? 0, oldestReceivedAt: b.oldest };
    },
  };
}

export type EventInbox = ReturnType<typeof createEventInbox>;
