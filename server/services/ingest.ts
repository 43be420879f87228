import type { Db } from '../db/client';
import type { Clock } from '../clock';
import type { Call } from '../ingest/calls';
import { Channel } from '../../shared/journey/channels';
import type { ContactStore } from './contacts';
import type { EventRouter, NewEvent } from '../engine/events';
import { createBulkEvents } from '../engine/bulkEvents';
import type { LiveIndex } from '../engine/live';
import { createOutbox } from '../outbox';
import { leftJourneyReason } from '../engine/writeBatch';
import { runStore } from '../runs';
import { createEventInbox } from '../engine/eventInbox';

export interface IngestDeps {
  db: Db;
  clock: Clock;
  contacts: ContactStore;
  events: EventRouter;
  /** the journeys an event may route to (the engine's live index) */
  live: LiveIndex;
}

export interface IngestReport {
  /** calls applied (their events indexed) in this request's transaction */
  accepted: number;
  /** calls whose messageId was ingested before (or earlier in the request): ignored */
  duplicates: number;
  /** tracked events appended to the inbox, indexed at the engine's next tick (engine/eventInbox.ts), where a retry of an earlier call is dropped */
  queued?: number;
}

export interface IngestOptions {
  /**
   * A request of at least this many calls, all of them tracked events (track,
   * page, screen) of known contacts that route nowhere, is queued whole
   * (`queued`) rather than indexed in the request. Unset: never.
   */
  queueFrom?: number;
  /**
   * … unless the inbox would then hold more than this many events (the engine
   * indexing slower than they come, for long): the request is indexed in it
   * as every other one, which slows the senders down rather than the inbox growing
   * without end. Unset: no limit.
   */
  queueMaxEvents?: number;
}

/** Replies that opt a contact out of SMS (case-insensitive, trimmed). */
export const smsStopWords = new Set(['T', 'TD', 'STOP', 'UNSUBSCRIBE', '退订', '退']);

/** The event a track, page or screen call records. */
function eventOf(call: Extract<Call, { type: 'track' | 'page' | 'screen' }>, contactId: number, now: number): NewEvent {
  const name = call.type === 'track' ? call.event : call.type;
  const properties = call.type === 'track' ? (call.properties ?? {}) : { ...(call.properties ?? {}), ...(call.name ? { name: call.name } : {}) };
  return { contactId, name, type: call.type, properties, context: call.context ?? null, at: eventTime(call, now), messageId: call.messageId ?? null };
}

function eventTime(call: Call, now: number): number {
  const t = call.timestamp ? Date.parse(call.timestamp) : Number.NaN;
  // a timestamp from the future (clock skew) would hide the event from "in the last N days"
  return Number.isFinite(t) ? Math.min(t, now) : now;
}

/**
 * Segment-compatible ingestion. A batch is one transaction: all of it lands or
 * none. Each call is deduplicated by messageId; a track/page/screen appends an
 * event, then wakes runs waiting for it, starts event-triggered runs, and
 * credits goals and exit criteria (the event router's order).
 */
export function createIngestService({ db, clock, contacts, events, live }: IngestDeps) {
  const c = db.$client;
  const bulk = createBulkEvents(db, live);
  const outbox = createOutbox(db);
  const inbox = createEventInbox(db);
  const mergeInto = c.transaction((from: number, into: number, now: number) => {
    for (const table of ['events', 'messages', 'scheduled_events', 'clicks']) c.prepare(`update ${table} set contact_id = ? where contact_id = ?`).run(into, from);
    inbox.renumber(from, into);
    // a node credited to both keeps one credit (once per contact, node and event)
    c.prepare('update or ignore conversions set contact_id = ? where contact_id = ?').run(into, from);
    c.prepare('delete from conversions where contact_id = ?').run(from);
    // a run of the same version on both sides keeps the identified contact's; the runs that lost go, and what they had deferred with them
    outbox.suppressDeferred(runStore(db).mergeContact(from, into), leftJourneyReason('contact_merged'), now);
    const old = c.prepare<[number], { traits: string; anonymous_id: string | null; opt_outs: string }>('select traits, anonymous_id, opt_outs from contacts where id = ?').get(from);
    c.prepare('delete from contacts where id = ?').run(from);
    if (!old) return;
    contacts.identify(into, JSON.parse(old.traits) as Record<string, unknown>, now);
    // the device's later anonymous-only calls find the merged contact, and an opt-out is never lost in a merge
    c.prepare('update contacts set anonymous_id = coalesce(anonymous_id, ?) where id = ?').run(old.anonymous_id, into);
    for (const ch of JSON.parse(old.opt_outs) as Channel[]) contacts.optOut(into, ch, now);
  });

  function apply(call: Call, now: number): void {
    if (call.type === 'alias') {
      const anon = contacts.find(call.previousId, call.previousId);
      const known = contacts.find(call.userId, null);
      if (anon && known && anon.id !== known.id) mergeInto(anon.id, known.id, now);
      else contacts.resolve(call.userId, anon ? (anon.anonymous_id ?? call.previousId) : call.previousId, now);
      return;
    }
    const contactId = contacts.resolve(call.userId, call.anonymousId, now);
    switch (call.type) {
      case 'identify':
        contacts.identify(contactId, { ...(call.traits ?? {}), ...(typeof call.context?.timezone === 'string' && !call.traits?.timezone ? { timezone: call.context.timezone } : {}) }, now);
        return;
      case 'group':
        events.record(
          {
            contactId,
            name: 'group',
            type: 'system',
            properties: { groupId: call.groupId, traits: call.traits ?? {} },
            context: call.context ?? null,
            at: eventTime(call, now),
            messageId: call.messageId ?? null,
          },
          now,
        );
        return;
      case 'track':
      case 'page':
      case 'screen': {
        const e = eventOf(call, contactId, now);
        // the opt-out lands before routing, so a run woken by this very event already respects it
        if (e.name === 'unsubscribed') {
          const ch = Channel.safeParse(e.properties.channel);
          if (ch.success) contacts.optOut(contactId, ch.data, now);
        }
        events.record(e, now);
        return;
      }
    }
  }

  const markSeenMany = c
    .prepare<[number, string], string>('insert into ingested (message_id, received_at) select value, ? from json_each(?) where true on conflict do nothing returning message_id')
    .pluck();
  // one index probe per id, answered in the ids' order (an IN list would sort them first and return rows to match up)
  const contactIds = c.prepare<[string], number | null>('select (select id from contacts where external_id = j.value) from json_each(?) j order by j.key').pluck();
  /** userId → contact, for the identified contacts these calls name */
  const knownContacts = (calls: readonly Call[]): Map<string, number> => {
    const userIds = new Set<string>();
    for (const x of calls) if (x.userId) userIds.add(x.userId);
    const known = new Map<string, number>();
    if (userIds.size === 0) return known;
    const ids = contactIds.all(JSON.stringify([...userIds]));
    let k = 0;
    for (const u of userIds) {
      const id = ids[k++];
      if (id !== null && id !== undefined) known.set(u, id);
    }
    return known;
  };

  // one probe of runs_waiting_for a name: a batch of 500 app_opens asks once whether any run waits for one, not 500 times whose run does
  const namesAwaited = c.prepare<[string], string>('select j.value from json_each(?) j where exists (select 1 from runs where waiting_for = j.value)').pluck();
  const anyAwaited = (events: readonly NewEvent[]): boolean => namesAwaited.all(JSON.stringify([...new Set(events.map((e) => e.name))])).length > 0;
  const nothingAwaited: ReadonlySet<number> = new Set();

  /**
   * Append events of known contacts in bulk, in the calls' order: those that
   * route nowhere go in one statement per stretch, and each that does goes
   * through the router where it stands. After one has routed, which of the rest
   * a run waits for is asked again (it may have moved a run to wait for them).
   */
  function appendInOrder(pending: NewEvent[], now: number): void {
    let rest = pending;
    while (rest.length) {
      const awaited = anyAwaited(rest) ? bulk.awaited(rest) : nothingAwaited;
      const i = rest.findIndex((e, k) => awaited.has(k) || bulk.routedByName(e.name));
      if (i < 0) return bulk.append(rest, now);
      bulk.append(rest.slice(0, i), now);
      events.record(rest[i] as NewEvent, now);
      rest = rest.slice(i + 1);
    }
  }

  /**
   * One request queued whole in the inbox, when it can be (`IngestOptions.queueFrom`):
   * every call a track, page or screen of a known contact (an unsubscribe
   * changes the contact at once), and no event one a run of its contact waits
   * for or a live journey starts on, ends on or counts. Its own repeats of a
   * messageId are dropped here; a retry of an earlier request, when indexed.
   */
  function queued(batch: readonly Call[], now: number, maxEvents: number): IngestReport | null {
    const tracked = batch.filter((x): x is Extract<Call, { type: 'track' | 'page' | 'screen' }> => (x.type === 'track' && x.event !== 'unsubscribed') || x.type === 'page' || x.type === 'screen');
    if (tracked.length < batch.length || inbox.backlog().events + batch.length > maxEvents) return null;
    const known = knownContacts(tracked);
    const ids = new Set<string>();
    const pending: NewEvent[] = [];
    for (const x of tracked) {
      const contactId = x.userId ? known.get(x.userId) : undefined;
      if (contactId === undefined) return null;
      if (x.messageId) {
        if (ids.has(x.messageId)) continue;
        ids.add(x.messageId);
      }
      pending.push(eventOf(x, contactId, now));
    }
    if (pending.some((e) => bulk.routedByName(e.name)) || (anyAwaited(pending) && bulk.awaited(pending).size > 0)) return null;
    inbox.enqueue(pending, now);
    return { accepted: 0, duplicates: batch.length - pending.length, queued: pending.length };
  }

  /**
   * A batch is one transaction (several batches: one in all, each with its
   * report, as if one came after the other). A big batch of plain tracked
   * events may be queued (`queued`); of the rest, duplicates are found in one statement; a run of
   * tracked events of known contacts (the bulk of an SDK's batch) is appended in
   * bulk; anything else (identify, alias, a new contact, an unsubscribe) is
   * applied call by call, in order, as before.
   */
  const ingestAll = c.transaction((all: readonly (readonly Call[])[], now: number, { queueFrom, queueMaxEvents = Number.POSITIVE_INFINITY }: IngestOptions): IngestReport[] => {
    const queuedReports = all.map((batch) => (queueFrom !== undefined && batch.length >= queueFrom ? queued(batch, now, queueMaxEvents) : null));
    const batches = all.filter((_, i) => queuedReports[i] === null);
    const applied = applyInOrder(batches, now);
    let k = 0;
    return queuedReports.map((q) => q ?? (applied[k++] as IngestReport));
  });

  function applyInOrder(batches: readonly (readonly Call[])[], now: number): IngestReport[] {
    const reports = batches.map((): IngestReport => ({ accepted: 0, duplicates: 0 }));
    const calls = batches.length === 1 ? (batches[0] as readonly Call[]) : batches.flat();
    // the report of the batch the call came in: batch b holds the calls before `end`
    let b = 0;
    let end = batches[0]?.length ?? 0;
    // the first of a message id in this batch is new when the table did not hold it; any later one is a duplicate
    const messageIds = [...new Set(calls.flatMap((x) => (x.messageId ? [x.messageId] : [])))];
    const fresh = new Set(messageIds.length ? markSeenMany.all(now, JSON.stringify(messageIds)) : []);
    let known = knownContacts(calls);
    let pending: NewEvent[] = [];
    calls.forEach((call, i) => {
      while (i >= end) end += batches[++b]?.length ?? 0;
      const report = reports[b] as IngestReport;
      if (call.messageId && !fresh.delete(call.messageId)) {
        report.duplicates++;
        return;
      }
      report.accepted++;
      const contactId = call.userId ? known.get(call.userId) : undefined;
      if ((call.type === 'track' || call.type === 'page' || call.type === 'screen') && contactId !== undefined) {
        const e = eventOf(call, contactId, now);
        if (e.name !== 'unsubscribed') {
          pending.push(e);
          return;
        }
      }
      appendInOrder(pending, now);
      pending = [];
      apply(call, now);
      // a merge deletes a contact, an identify may give one its userId: who is who is read again for the rest
      if (call.type === 'alias' || call.type === 'identify') known = knownContacts(calls.slice(i + 1));
    });
    appendInOrder(pending, now);
    return reports;
  }

  return {
    ingest: (calls: readonly Call[], opts: IngestOptions = {}): IngestReport => ingestAll([calls], clock.now(), opts)[0] as IngestReport,

    /**
     * Batches that commit together (db/groupCommit.ts), as one: each gets the
     * report ingesting them one after the other would give, and the events of
     * all go in the same few statements, which cost less an event than a
     * statement a batch (a commit of four batches of 500: about 2 µs an event).
     */
    ingestMany: (batches: readonly (readonly Call[])[], opts: IngestOptions = {}): IngestReport[] => ingestAll(batches, clock.now(), opts),

    /** An inbound SMS reply: T / TD / STOP (and 退订) opt the sender out of SMS. */
    inboundSms(from: string, text: string): { optedOut: number } {
      if (!smsStopWords.has(text.trim().toUpperCase())) return { optedOut: 0 };
      const ids = contacts.byPhone(from.trim());
      const now = clock.now();
      c.transaction(() => {
        for (const id of ids) contacts.optOut(id, 'sms', now);
      })();
      return { optedOut: ids.length };
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
