import { z } from 'zod';
import { OutboxFilter } from '../../outbox/filter';
import { procedure, router } from '../init';
import { messageStatuses } from '../../db/schema';
import { Channel } from '../../../shared/journey/channels';
import type { AuditMeta } from '../auditing';

/** Dead letters by id, or one whole (channel, error) group as the page lists them. */
const DeadLetterSelection = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1, 'name at least one message').max(1000, 'at most 1,000 messages at a time') }),
  z.object({ channel: Channel, error: z.string().max(2000).nullable() }),
]);

/** Re-drive and discard are logged with what they selected and how many messages moved. */
const deadLetterAudit: AuditMeta = {
  objectType: 'dead_letters',
  objectId: (input) => (input && 'ids' in input ? `ids:${(input.ids as number[]).slice(0, 20).join(',')}` : input ? `${String(input.channel)}:${String(input.error)}` : null),
};

// Re-drive and discard are the analyst's, like the outbox they act on: they send (or give up) messages a
// published journey already decided to send, to contacts the policy already let through; they change no
// journey, template or policy, which stay the operator's, copywriter's and admin's. Each is audited.
export const channelsRouter = router({
  outbox: procedure('analyst')
    .input(
      z.object({ journeyId: z.string().optional(), externalId: z.string().optional(), status: z.enum(messageStatuses).optional(), limit: z.number().int().min(1).max(5000).optional() }).default({}),
    )
    .query(({ ctx, input }) => ctx.services.outbox.list(input)),
  /** one page of the outbox, newest first, with how many match in all (counted up to a cap) */
  outboxPage: procedure('analyst')
    // `cursor` (tRPC's name, so the client's infinite query pages it): the previous page's `next`, a message id
    .input(z.object({ filter: OutboxFilter.default({}), cursor: z.number().int().min(1).nullish(), size: z.number().int().min(1).max(500).optional() }))
    .query(({ ctx, input }) => ctx.services.outbox.page(input.filter, { before: input.cursor ?? undefined, size: input.size })),

  deadLetters: procedure('analyst')
    .input(z.object({ channel: Channel.optional(), error: z.string().max(2000).nullable().optional(), limit: z.number().int().min(1).max(1000).optional() }).default({}))
    .query(({ ctx, input }) => ctx.services.outbox.deadLetters(input)),

  redrive: procedure('analyst', deadLetterAudit)
    .input(DeadLetterSelection)
    .mutation(({ ctx, input }) => ctx.services.outbox.redrive(input)),

  discard: procedure('analyst', deadLetterAudit)
    .input(DeadLetterSelection)
    .mutation(({ ctx, input }) => ctx.services.outbox.discard(input)),

  /** Every signed-in user sees when a channel is failing (the banner): it says why messages are late, nothing personal. */
  health: procedure('viewer').query(({ ctx }) => ctx.services.outbox.health()),
});
