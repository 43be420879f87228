import type { Db } from '../db/client';
import type { SleepingRule } from '../../shared/policy/guardrails';
import { DAY, HOUR } from '../../shared/util/time';
import { maskPhone } from '../../shared/auth/roles';

/**
 * Marks sleeping contacts, set-based: per pass one SELECT over the messages
 * and runs of the rule's window, then one UPDATE over the set it found, never
 * a loop over contacts. A contact is
 * marked when, within the last `days` days, `reminders` marketing messages
 * went out to them (queued, not withheld or failed) with no event of theirs
 * after each, or `journeys` runs of theirs finished with no event of theirs
 * after the run began. Waking is not here: any event of theirs clears the
 * mark as it is appended (the trigger `events_wake_sleeping`, migration 0019),
 * whichever path appends it.
 */
export function createSleepingPass(db: Db) {
  // the read: who qualifies, as one JSON array; run outside any transaction, so the scan (messages and runs of the
  // window, no index serves it) never holds the write lock that the API's writes wait for
  const candidates = db.$client
    .prepare<{ now: number; since: number; reminders: number; journeys: number }, string>(
      `select json_group_array(id) from contacts where sleeping_since is null and id in (
         select m.contact_id from messages m
         where m.queued_at > @since and m.queued_at <= @now and m.category = 'marketing'
           and m.status in ('queued', 'held', 'sending', 'sent', 'delivered')
           and not exists (select 1 from events e where e.contact_id = m.contact_id and e.at > m.queued_at and e.at <= @now and e.type <> 'system')
         group by m.contact_id having count(*) >= @reminders
         union
         select r.contact_id from runs r
         where r.status = 'exited' and r.exited_at > @since and r.exited_at <= @now
           and not exists (select 1 from events e where e.contact_id = r.contact_id and e.at > r.entered_at and e.at <= @now and e.type <> 'system')
         group by r.contact_id having count(*) >= @journeys
       )`,
    )
    .pluck();
  // the write: one statement over the set; a contact whose event arrived since the read is left awake
  const mark = db.$client.prepare<{ now: number; ids: string }>(
    `update contacts set sleeping_since = @now
     where id in (select value from json_each(@ids)) and sleeping_since is null
       and not exists (select 1 from events e where e.contact_id = contacts.id and e.received_at >= @now and e.type <> 'system')`,
  );
  /** engine time of the last pass: the scheduler runs one an hour (the window is days long; an hour late is no harm) */
  let last = Number.NEGATIVE_INFINITY;
  return {
    /** One pass now, whatever the time of the last: how many contacts it marked. */
    pass(now: number, rule: SleepingRule): number {
      last = now;
      if (!rule.enabled) return 0;
      const ids = candidates.get({ now, since: now - rule.days * DAY, reminders: rule.reminders, journeys: rule.journeys }) ?? '[]';
      if (ids === '[]') return 0;
      // a transaction of its own, so it takes the write lock like any other write (db/writeGate.ts)
      return db.$client.transaction(() => mark.run({ now, ids }).changes)();
    },
    /** The scheduler's call on every tick: a pass when an hour has gone by since the last. */
    maybePass(now: number, rule: SleepingRule): number {
      return now - last >= HOUR ? this.pass(now, rule) : 0;
    },
  };
}

export type SleepingPass = ReturnType<typeof createSleepingPass>;

export interface SleepingContact {
  id: number;
  externalId: string | null;
  anonymousId: string | null;
  name: string | null;
  /** masked unless the reader sees PII (shared/auth/roles.ts) */
  phone: string | null;
  sleepingSince: number;
}

/** What the dashboard tile and the Contacts filter read: through the partial index `contacts_sleeping`. */
export function createSleepingQueries(db: Db) {
  const count = db.$client.prepare<[], number>('select count(*) from contacts where sleeping_since is not null').pluck();
  const list = db.$client.prepare<[number], { id: number; external_id: string | null; anonymous_id: string | null; name: unknown; phone: string | null; sleeping_since: number }>(
    `select id, external_id, anonymous_id, traits ->> 'name' name, phone, sleeping_since from contacts where sleeping_since is not null order by sleeping_since desc, id desc limit ?`,
  );
  return {
    count: (): number => count.get() ?? 0,
    /** The most recently fallen asleep first. */
    list: (limit: number, { pii }: { pii: boolean }): SleepingContact[] =>
      list.all(limit).map((r) => ({
        id: r.id,
        externalId: r.external_id,
        anonymousId: r.anonymous_id,
        name: typeof r.name === 'string' ? r.name : null,
        phone: pii ? r.phone : maskPhone(r.phone),
        sleepingSince: r.sleeping_since,
      })),
  };
}

export type SleepingQueries = ReturnType<typeof createSleepingQueries>;
