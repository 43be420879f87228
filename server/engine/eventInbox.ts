import type { Db } from '../db/client';
import { defaultYieldAfterMs, inSlices } from '../db/writeGate';
import type { NewEvent } from './events';

/** What one drain did: events written to `events`, retries of a messageId already ingested that were dropped, and whether rows were left for the next. */
export interface DrainReport {
  indexed: number;
  duplicates: number;
  backlog: boolean;
}

/** Where the batch being indexed stands (`events_drain`, migration 0032). */
interface Progress {
  /** the batch: inbox requests up to this id */
  through: number;
  phase: 'stage' | 'dedupe' | 'move';
  /** dedupe: the messageIds up to this one are done */
  after: string | null;
  /** move: the events of contacts up to this one are moved (0 before) */
  moved_through: number;
}

export interface DrainOptions {
  /** the most inbox rows (requests) one batch takes; a drain begins one batch at most, and the rest wait for the next tick */
  maxRows?: number;
  /**
   * no step starts once the drain has run this long (ms): a backlog is
   * indexed over several ticks, and each leaves the runner and the dispatcher
   * their turn (a burst of 1.6M events, indexed 100,000 a tick, made ticks
   * of 3 s)
   */
  budgetMs?: number;
  /** inbox rows a staging step takes */
  chunkRows?: number;
  /** events a deduplicating or moving step takes: a range of messageIds or of contacts holding this many */
  sliceEvents?: number;
  /** with the engine on its own thread: commit between two steps once the drain has held the write lock this long (ms) and an API writer waits */
  yieldAfterMs?: number;
}

/**
 * The events inbox: where big /v1/batch requests of plain tracked events go
 * (known contacts, an event no run waits for and no live journey starts on,
 * ends on or counts), so that the request costs one append, and where the
 * engine takes them from, at the start of its next tick, into `events`.
 *
 * Indexing is what an event costs: a random insert into events_contact_name_at
 * and into the messageId index of `ingested` each, and a commit writes every
 * page it dirtied. Made in arrival order, in commits of 10,000 events (the
 * drain commits whenever an API writer waits), each event dirtied a page of
 * each index: 16 KB of WAL and 50 µs an event over 2M events of history. So a
 * batch of up to 200 requests is indexed in two passes, each over one index in
 * its own order: staged (`events_staged`, in contact order), its messageIds
 * deduplicated into `ingested` a range of ids at a time, then its events moved
 * into `events` a range of contacts at a time. A slice dirties only its range's
 * pages, so a page is written about once a batch however often the drain
 * commits: 2–3 KB of WAL and about 18 µs an event over the same history, 13 µs
 * rather than 16–18 over none (draining 600,000 events of a million contacts,
 * checkpoints included).
 * Where the batch stands is in `events_drain`, written with each step, so a
 * drain stopped by its budget, an error or a crash goes on where it was, and
 * nothing is indexed twice.
 *
 * An accepted event shows on the timeline, in segments and in analytics once
 * its contact's slice is moved: at the next tick (a second with the
 * scheduler's default), or a few later after a burst, as in Segment's own
 * pipeline. Within a contact, events keep their arrival order.
 *
 * A retry of a messageId is dropped here, as the request path drops one: the
 * first of the id to be indexed wins, whichever path it took (the request
 * dedupes its own calls at once).
 */
export function createEventInbox(db: Db) {
  const c = db.$client;
  const append = c.prepare<[number, number, string]>('insert into events_inbox (received_at, events, body) values (?, ?, ?)');
  // events: those waiting in the inbox (a count its triggers keep: migration 0033) and those of the batch staged;
  // oldest: the batch's first request, else the inbox's
  const backlog = c.prepare<[], { events: number; oldest: number | null }>(
    `select (select events from events_inbox_size) + coalesce((select events from events_drain), 0) events,
            coalesce((select oldest from events_drain), (select received_at from events_inbox order by id limit 1)) oldest`,
  );
  const progress = c.prepare<[], Progress>('select through, phase, after, moved_through from events_drain where id = 1');
  const waiting = c.prepare<[], number>('select exists (select 1 from events_inbox) or exists (select 1 from events_drain)').pluck();
  // a batch: the oldest `maxRows` requests
  const begin = c.prepare<[number]>(
    `insert into events_drain (id, through, phase, after, events, oldest)
     select 1, max(id), 'stage', null, 0, min(received_at) from (select id, received_at from events_inbox order by id limit ?) having count(*) > 0`,
  );
  const nextRows = c.prepare<[number, number], number>('select id from events_inbox where id <= ? order by id limit ?').pluck();
  // a request holds at most MAX_BATCH_CALLS (1,000) events, far below 2^20
  const stage = c.prepare<[number, number]>(
    `insert into events_staged (seq, contact_id, name, type, properties, context, at, message_id, received_at)
     select i.id * 1048576 + j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, i.received_at
     from events_inbox i, json_each(i.body) j where i.id >= ? and i.id <= ? order by 2, 1`,
  );
  const removeRange = c.prepare<[number, number]>('delete from events_inbox where id >= ? and id <= ?');
  // events staged (or, less, moved and dropped)
  const counted = c.prepare<[number]>('update events_drain set events = events + ?');
  const stagedAll = c.prepare(`update events_drain set phase = 'dedupe', after = ''`);
  // the messageId `offset` places after `after` (the slice's last), and the batch's last
  const idAfter = c.prepare<[string, number], string>('select message_id from events_staged where message_id > ? order by message_id limit 1 offset ?').pluck();
  const lastId = c.prepare<[], string | null>('select max(message_id) from events_staged where message_id is not null').pluck();
  // of the batch's events with a messageId in (after, last]: a retry of one ingested before, or a repeat of one staged before it
  const dropRetries = c.prepare<[string, string]>(
    `delete from events_staged where (contact_id, seq) in (
       select s.contact_id, s.seq from events_staged s where s.message_id > ? and s.message_id <= ?
        and (exists (select 1 from ingested g where g.message_id = s.message_id)
             or exists (select 1 from events_staged t where t.message_id = s.message_id and t.seq < s.seq)))`,
  );
  const markSeen = c.prepare<[string, string]>(
    'insert into ingested (message_id, received_at) select message_id, received_at from events_staged where message_id > ? and message_id <= ? order by message_id',
  );
  // the slice done: `after` its last messageId, or null and on to moving once it was the batch's last
  const deduped = c.prepare<[number, string | null, string | null]>(`update events_drain set events = events - ?, phase = iif(? is null, 'move', phase), after = ?`);
  // the contact of the `offset`th staged event after contact `after`, in contact order
  const contactAfter = c.prepare<[number, number], number>('select contact_id from events_staged where contact_id > ? order by contact_id, seq limit 1 offset ?').pluck();
  const columns = 'name, type, properties, context, at, message_id, received_at';
  const moveRange = c.prepare<[number, number]>(
    `insert into events (contact_id, ${columns}) select contact_id, ${columns} from events_staged where contact_id > ? and contact_id <= ? order by contact_id, seq`,
  );
  const movedThrough = c.prepare<[number, number]>('update events_drain set moved_through = ?, events = events - ?');
  // the batch done: its staged rows go in one DELETE (the table emptied whole), not a delete each
  const finished = c.prepare('delete from events_drain');
  const unstageAll = c.prepare('delete from events_staged');
  // a contact merged into another while its events waited: they follow it, as its indexed events do
  const renumber = c.prepare<[number, number, number]>(
    `update events_inbox set body = (select json_group_array(json(v)) from (select case when value ->> 0 = ? then json_replace(value, '$[0]', ?) else value end v from json_each(events_inbox.body) order by key))
     where exists (select 1 from json_each(events_inbox.body) where value ->> 0 = ?)`,
  );
  // staged: not yet moved, they are moved as the kept contact's, at once if its events are moved already;
  // moved (kept staged until the batch ends), they are in `events` and go with the merge's update there
  const moveMerged = c.prepare<{ from: number; into: number }>(
    `insert into events (contact_id, ${columns}) select @into, ${columns} from events_staged
     where contact_id = @from and @from > (select moved_through from events_drain) and @into <= (select moved_through from events_drain) order by seq`,
  );
  const renumberStaged = c.prepare<{ from: number; into: number }>(
    'update events_staged set contact_id = @into where contact_id = @from and @from > coalesce((select moved_through from events_drain), 0)',
  );

  /**
   * One step of the batch, in the transaction the caller holds: stage
   * `chunkRows` requests; or deduplicate a range of `sliceEvents` messageIds
   * (retries dropped, the rest marked seen in `ingested`); or move the events
   * of a range of contacts holding `sliceEvents` into `events`. Events moved
   * and dropped go into `report`; true once the batch is all moved.
   */
  function step(p: Progress, chunkRows: number, sliceEvents: number, report: DrainReport): boolean {
    switch (p.phase) {
      case 'stage': {
        const ids = nextRows.all(p.through, chunkRows);
        const [from, to] = [ids[0], ids[ids.length - 1]];
        if (from !== undefined && to !== undefined) {
          counted.run(stage.run(from, to).changes);
          removeRange.run(from, to);
        }
        if (to === undefined || to === p.through) stagedAll.run();
        return false;
      }
      case 'dedupe': {
        const after = p.after ?? '';
        const next = idAfter.get(after, sliceEvents - 1);
        const upTo = next ?? lastId.get() ?? null;
        let dropped = 0;
        if (upTo !== null) {
          dropped = dropRetries.run(after, upTo).changes;
          markSeen.run(after, upTo);
        }
        report.duplicates += dropped;
        deduped.run(dropped, next ?? null, next ?? null);
        return false;
      }
      case 'move': {
        const upTo = contactAfter.get(p.moved_through, sliceEvents - 1) ?? Number.MAX_SAFE_INTEGER;
        const n = moveRange.run(p.moved_through, upTo).changes;
        report.indexed += n;
        if (upTo !== Number.MAX_SAFE_INTEGER) {
          movedThrough.run(upTo, n);
          return false;
        }
        unstageAll.run();
        finished.run();
        return true;
      }
    }
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
        JSON.stringify(events.map((e) => [e.contactId, e.name, e.type, JSON.stringify(e.properties), e.context ? JSON.stringify(e.context) : null, e.at, e.messageId ?? null])),
      );
    },

    /**
     * Go on with the batch an earlier drain left, then begin one of the oldest
     * `maxRows` requests, step by step (`step`) for `budgetMs` at most. With
     * the engine on its own thread, the steps go in one transaction until an
     * API writer waits, then commit and go on in the next (`inSlices`, as the
     * runner's batch writes), so an API write waits for one step at most
     * (10,000 events).
     */
    drain({ maxRows = 200, chunkRows = 20, sliceEvents = 10_000, budgetMs = 500, yieldAfterMs = defaultYieldAfterMs }: DrainOptions = {}): DrainReport {
      const startedAt = performance.now();
      const report: DrainReport = { indexed: 0, duplicates: 0, backlog: false };
      if (waiting.get() === 0) return report;
      let begun = false;
      inSlices(c, Number.MAX_SAFE_INTEGER, 1, yieldAfterMs, () => () => {
        let p = progress.get();
        if (!p && !begun) {
          begun = true;
          if (begin.run(maxRows).changes > 0) p = progress.get();
        }
        if (!p) return false;
        // a batch an earlier drain left, finished: on to one of its own
        if (step(p, chunkRows, sliceEvents, report) && begun) return false;
        return performance.now() - startedAt < budgetMs;
      });
      report.backlog = waiting.get() === 1;
      return report;
    },

    /** Move the waiting events of contact `from` to contact `into` (a merge). The caller holds the transaction. */
    renumber(from: number, into: number): void {
      renumber.run(from, into, from);
      counted.run(-moveMerged.run({ from, into }).changes);
      renumberStaged.run({ from, into });
    },

    /** Events waiting in the inbox or staged, and when the oldest of them came (null when none). */
    backlog(): { events: number; oldestReceivedAt: number | null } {
      const b = backlog.get() ?? { events: 0, oldest: null };
      return { events: b.events, oldestReceivedAt: b.oldest };
    },
  };
}

export type EventInbox = ReturnType<typeof createEventInbox>;
