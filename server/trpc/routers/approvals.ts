import { z } from 'zod';
import { procedure, router } from '../init';
import { approvalStatuses } from '../../db/schema';
import { approvalAudit } from '../auditing';

const byId = z.object({ id: z.string().min(1, 'id is required') });
const comment = z.string().trim().max(2000, 'a comment has at most 2,000 characters');

/** Four-eyes requests: anyone reads them; an approver other than the requester decides. */
export const approvalsRouter = router({
  list: procedure('viewer')
    .input(z.object({ status: z.enum(approvalStatuses).optional(), limit: z.number().int().min(1).max(500).optional() }).default({}))
    .query(({ ctx, input }) => ctx.services.approvals.list(input)),
  get: procedure('viewer')
    .input(byId)
    .query(({ ctx, input }) => ctx.services.approvals.get(input.id)),
  pendingCount: procedure('viewer').query(({ ctx }) => ctx.services.approvals.pendingCount()),
  approve: procedure('approver', approvalAudit)
    .input(byId.extend({ comment: comment.optional() }))
    .mutation(({ ctx, input }) => ctx.services.approvals.approve(input.id, ctx.user, input.comment || null)),
  reject: procedure('approver', approvalAudit)
    .input(byId.extend({ comment: comment.min(1, 'say why in a comment') }))
    .mutation(({ ctx, input }) => ctx.services.approvals.reject(input.id, ctx.user, input.comment)),
  /** the requester takes a pending request back (the service checks it is theirs) */
  withdraw: procedure('viewer', approvalAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.approvals.withdraw(input.id, ctx.user)),
});
