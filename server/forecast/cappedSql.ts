import { sql, type SQL } from 'drizzle-orm';
import { contacts } from '../db/schema';
import type { Channel } from '../../shared/journey/channels';
import type { ContactPolicy } from '../../shared/policy/policy';
import { HOUR } from '../../shared/util/time';

/**
 * Is a marketing message on `channel` held by a cap now? Each cap on the
 * channel or on all of them, as the engine counts it (shared/policy/decide.ts
 * `capUntil`): the contact's messages queued in the window, any journey,
 * through the same runs → messages join as the runner's ledger.
 */
export function cappedSql(policy: ContactPolicy, channel: Channel, now: number): SQL {
  const caps = policy.caps.filter((c) => c.channel === 'all' || c.channel === channel);
  if (caps.length === 0) return sql`0`;
  return sql`(${sql.join(
    caps.map((c) =>
      c.max === 0
        ? sql`1`
        : sql`(select count(*) from runs lr join messages lm on lm.run_id = lr.id where lr.contact_id = ${contacts.id} and lm.queued_at > ${now - c.windowHours * HOUR} and lm.queued_at <= ${now}${
            c.channel === 'all' ? sql`` : sql` and lm.channel = ${c.channel}`
          }) >= ${c.max}`,
    ),
    sql` or `,
  )})`;
}
