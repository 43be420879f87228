import { z } from 'zod';
import { Channel } from '../../shared/journey/channels';
import { messageStatuses } from '../../shared/outbox/status';

/** What the Outbox page filters by; the page, the CSV export and the API read the same filter the same way. */
export const OutboxFilter = z
  .object({
    journeyId: z.string().min(1).max(64).optional(),
    /** a contact's user id (external id) */
    externalId: z.string().min(1).max(200).optional(),
    status: z.enum(messageStatuses).optional(),
    channel: Channel.optional(),
    template: z.string().min(1).max(64).optional(),
    /** queued at or after (ms) */
    from: z.number().int().min(0).optional(),
    /** queued before (ms) */
    to: z.number().int().min(0).optional(),
  })
  .refine((f) => f.from === undefined || f.to === undefined || f.from < f.to, { error: 'from must be before to', path: ['to'] });
export type OutboxFilter = z.infer<typeof OutboxFilter>;

/**
 * The filter as a WHERE clause over `messages m join contacts c` with its
 * parameters. Newest first goes by the message id (ids grow with the time a
 * message is queued), so a page is a rowid range: no index by time or channel
 * is needed, which the runner would pay on every message it queues.
 */
export function outboxWhere(f: OutboxFilter, before?: number): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, v: string | number) => {
    parts.push(clause);
    params.push(v);
  };
  if (before !== undefined) add('m.id < ?', before);
  // the unary + keeps SQLite on the rowid order instead of an index that would sort
  if (f.journeyId) add('+m.journey_id = ?', f.journeyId);
  if (f.externalId) add('c.external_id = ?', f.externalId);
  if (f.status) add('+m.status = ?', f.status);
  if (f.channel) add('+m.channel = ?', f.channel);
  if (f.template) add('+m.template = ?', f.template);
  if (f.from !== undefined) add('m.created_at >= ?', f.from);
  if (f.to !== undefined) add('m.created_at < ?', f.to);
  return { sql: parts.length ? `where ${parts.join(' and ')}` : '', params };
}
