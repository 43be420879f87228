import type Database from 'better-sqlite3';
import { DAY } from '../shared/util/time';

/**
 * The benches' contacts: `n` of them, registered evenly over the 80 days
 * before `t0`, none logged in. As in a real workspace, contacts were created
 * as they registered, so ids follow registration time. One recursive-CTE
 * INSERT…SELECT, a few seconds for a million.
 *
 * `cohorts` adds a trait `cohort` that splits the population in three,
 * interleaved in id and registration order: 'w' for 4% (i % 50 in 48, 49),
 * 'a' for the other even i and 'b' for the other odd i, 48% each
 * (bench/api.ts: a warm-up journey over w, then one journey measured without
 * API load and one with it, over the same kind of contacts).
 */
export function seedContacts(c: { exec: (sql: string) => unknown }, n: number, t0: number, { cohorts = false }: { cohorts?: boolean } = {}): void {
  const cohort = cohorts ? `, 'cohort', iif(i % 50 >= 48, 'w', iif(i % 2 = 0, 'a', 'b'))` : '';
  c.exec(`
    with recursive n(i) as (select 0 union all select i + 1 from n where i < ${n - 1})
    insert into contacts (external_id, traits, phone, opt_outs, registered_at, created_at, updated_at)
    select 'u' || i, json_object('name', '用户' || i, 'limit', 5000 + (i % 5) * 5000${cohort}), '+86138' || printf('%08d', i), '[]',
           ${t0} - cast((${n} - 1 - i) * 80.0 * ${DAY} / ${n} as integer) - 1000, ${t0}, ${t0}
    from n`);
}

/**
 * A history of `n` tracked events (app_open, screen_view, loan_viewed …) of
 * random contacts among the first `contacts`, spread over the 30 days before
 * `t0`, as a workspace that has run for a while holds. Written with the
 * (contact, name, at) index dropped and built again after from its own
 * definition (sqlite_master), a sort instead of a random insert each: some
 * 10 seconds for 3M.
 */
export function seedEvents(c: Database.Database, contacts: number, n: number, t0: number): void {
  if (n <= 0) return;
  const index = c.prepare<[], string>(`select sql from sqlite_master where type = 'index' and name = 'events_contact_name_at'`).pluck().get();
  if (!index) throw new Error('seedEvents: the events table has no index events_contact_name_at to rebuild');
  c.exec(`
    drop index events_contact_name_at;
    with recursive k(i) as (select 0 union all select i + 1 from k where i < ${n - 1})
    insert into events (contact_id, name, type, properties, context, at, message_id, received_at)
    select 1 + abs(random()) % ${contacts}, json_extract('["app_open","screen_view","loan_viewed","calculator_used","faq_opened"]', '$[' || (i % 5) || ']'),
           'track', '{"screen":"home","source":"history"}', null, ${t0} - ${30 * DAY} + i * ${Math.floor((30 * DAY) / n)}, null, ${t0} - ${30 * DAY} + i * ${Math.floor((30 * DAY) / n)}
    from k;
    ${index};`);
}
