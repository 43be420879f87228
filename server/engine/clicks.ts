import type { Db } from '../db/client';
import { utcDay } from '../../shared/util/time';
import { clickEvent } from '../channels/sandbox';
import { addToMetrics } from './counters';
import type { EventRouter } from './events';
import { outboxSql } from '../outbox/statements';

export interface RecordedClick {
  /** where the link sends the reader (the UTM-tagged target) */
  url: string;
  /** true for the message's first click: what "unique clicks" count */
  first: boolean;
}

/** A link whose target the redirect will not follow: nothing is recorded. */
export interface RefusedClick {
  refused: string;
}

/**
 * A click on a tracked link (`/l/:code`, or a simulated tap from the sandbox):
 * stored, credited to message → node → variant (the message keeps its first
 * click's time, for the funnel), counted once per message on
 * the node's `clicked` metric, and routed as a `message_clicked` event (so a
 * journey can wait for it), all in one transaction. `refuse` vets the target
 * first (`/l/:code` passes the link allow-list check): a refused target
 * records no click, so a link nobody can follow never counts as clicked.
 */
export function createClickRecorder(db: Db, events: EventRouter) {
  const c = db.$client;
  const link = c.prepare<[string], { url: string; message_id: number; contact_id: number; journey_id: string; version: number; node_id: string; variant: string | null; template: string }>(
    `select l.url, l.message_id, m.contact_id, m.journey_id, m.version, m.node_id, m.variant, m.template
     from links l join messages m on m.id = l.message_id where l.code = ?`,
  );
  const hasClick = c.prepare<[number], { one: number }>('select 1 one from clicks where message_id = ? and first = 1');
  const insert = c.prepare('insert into clicks (code, message_id, contact_id, at, first, user_agent) values (?, ?, ?, ?, ?, ?)');
  const bump = c.prepare(addToMetrics('values (?, ?, ?, ?, ?, ?, 1)'));
  const markClicked = c.prepare(outboxSql.markClicked);

  return c.transaction((code: string, at: number, now: number, userAgent: string | null, refuse?: (url: string) => string | null): RecordedClick | RefusedClick | null => {
    const l = link.get(code);
    if (!l) return null;
    const refused = refuse?.(l.url);
    if (refused) return { refused };
    const first = !hasClick.get(l.message_id);
    insert.run(code, l.message_id, l.contact_id, at, first ? 1 : 0, userAgent);
    markClicked.run({ at, id: l.message_id });
    if (first) {
      bump.run(l.journey_id, l.version, l.node_id, 'clicked', '', utcDay(at));
      if (l.variant !== null) bump.run(l.journey_id, l.version, l.node_id, 'clicked_variant', l.variant, utcDay(at));
    }
    events.record(
      { contactId: l.contact_id, name: clickEvent, type: 'track', properties: { message_id: l.message_id, node: l.node_id, template: l.template, variant: l.variant, url: l.url, first }, at },
      now,
    );
    return { url: l.url, first };
  });
}

export type ClickRecorder = ReturnType<typeof createClickRecorder>;
