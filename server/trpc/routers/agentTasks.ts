import { z } from 'zod';
import { procedure, router } from '../init';
import type { AuditMeta } from '../auditing';
import { CallOutcome, noteMax } from '../../../shared/agentTasks/outcomes';

/** An outcome is a change to a contact's story: the audit log names the task and what came of it. */
const outcomeAudit: AuditMeta = {
  objectType: 'agent_task',
  objectId: (input) => {
    const id = (input as { taskId?: unknown } | undefined)?.taskId;
    return typeof id === 'number' ? String(id) : null;
  },
};

/** An agent's team and capacity, before and after. */
const agentAudit: AuditMeta = {
  objectType: 'agent',
  objectId: (input) => {
    const id = (input as { userId?: unknown } | undefined)?.userId;
    return typeof id === 'string' ? id : null;
  },
};

/** The call centre's Agent page (server/agentTasks/): agents work their team's queue. */
export const agentTasksRouter = router({
  desk: procedure('agent').query(({ ctx }) => ctx.services.agentTasks.desk(ctx.user)),
  claimNext: procedure('agent').mutation(({ ctx }) => ctx.services.agentTasks.claimNext(ctx.user)),
  recordOutcome: procedure('agent', outcomeAudit)
    .input(
      z.object({
        taskId: z.number().int().positive('taskId must be a task id'),
        outcome: CallOutcome,
        note: z.string().trim().max(noteMax, `a note is at most ${noteMax} characters`).default(''),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.agentTasks.recordOutcome(ctx.user, input.taskId, input.outcome, input.note || null)),
  /** Queue counts are no one's personal data: analysts hand tasks over and admins staff the teams from them, agent or not. */
  queues: procedure('viewer').query(({ ctx }) => ctx.services.agentTasks.queues()),
  /** Every agent-role user with their team and daily capacity. */
  agents: procedure('admin').query(({ ctx }) => ctx.services.agentTasks.agents()),
  /** Which team's queue an agent works and how many calls a day they can take. */
  setAgent: procedure('admin', agentAudit)
    .input(
      z.object({
        userId: z.string().min(1, 'userId is required'),
        team: z.string().trim().min(1, 'name the team').max(60, 'a team name is at most 60 characters'),
        dailyCapacity: z.number().int('the daily capacity must be a whole number').min(0, 'the daily capacity is 0 or more').max(500, 'the daily capacity is at most 500'),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.agentTasks.setAgent(input.userId, input.team, input.dailyCapacity)),
});
