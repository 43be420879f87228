import type { Db } from '../db/client';
import type { Clock } from '../clock';
import type { Call } from '../ingest/calls';
import { Channel } from '../../shared/journey/channels';
import type { ContactStore } from './contacts';
import type { EventRouter } from '../engine/events';
import { createDeferredDrop, leftJourneyReason } from '../engine/writeBatch';
import { runStore } from '../runs';

export interface IngestDeps {
  db: Db;
  clock: Clock;
  contacts: ContactStore;
  events: EventRouter;
}

export interface IngestReport {
  accepted: number;
  duplicates: number;
}

/** Replies that opt a contact out of SMS (case-insensitive, trimmed). */
export const smsStopWords = new Set(['T', 'TD', 'STOP', 'UNSUBSCRIBE', '退订', '退']);

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
export function createIngestService({ db, clock, contacts, events }: IngestDeps) {
  const c = db.$client;
  const dropDeferred = createDeferredDrop(db);
  const markSeen = c.prepare('insert into ingested (message_id, received_at) values (?, ?) on conflict do nothing');
  const mergeInto = c.transaction((from: number, into: number, now: number) => {
    for (const table of ['events', 'messages', 'scheduled_events', 'clicks']) c.prepare(`update ${table} set contact_id = ? where contact_id = ?`).run(into, from);
    // a node credited to both keeps one credit (once per contact, node and event)
    c.prepare('update or ignore conversions set contact_id = ? where contact_id = ?').run(into, from);
    c.prepare('delete from conversions where contact_id = ?').run(from);
    // a run of the same version on both sides keeps the identified contact's; the runs that lost go, and what they had deferred with them
    dropDeferred(runStore(db).mergeContact(from, into), leftJourneyReason('contact_merged'), now);
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
        const name = call.type === 'track' ? call.event : call.type;
        const properties = call.type === 'track' ? (call.properties ?? {}) : { ...(call.properties ?? {}), ...(call.name ? { name: call.name } : {}) };
        const at = eventTime(call, now);
        // the opt-out lands before routing, so a run woken by this very event already respects it
        if (name === 'unsubscribed') {
          const ch = Channel.safeParse(properties.channel);
          if (ch.success) contacts.optOut(contactId, ch.data, now);
        }
        events.record({ contactId, name, type: call.type, properties, context: call.context ?? null, at, messageId: call.messageId ?? null }, now);
        return;
      }
    }
  }

  const ingestAll = c.transaction((calls: readonly Call[], now: number): IngestReport => {
    const report: IngestReport = { accepted: 0, duplicates: 0 };
    for (const call of calls) {
      if (call.messageId && markSeen.run(call.messageId, now).changes === 0) {
        report.duplicates++;
        continue;
      }
      apply(call, now);
      report.accepted++;
    }
    return report;
  });

  return {
    ingest: (calls: readonly Call[]): IngestReport => ingestAll(calls, clock.now()),

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
