import type { Clock } from '../clock';
import type { Call } from '../ingest/calls';
import type { IngestService } from '../services/ingest';
import type { createContactQueries } from '../services/timeline';
import { notFound, refuse } from '../services/errors';
import { seesPii, type Role } from '../../shared/auth/roles';
import { callOutcomeEvent, type CallOutcome } from '../../shared/agentTasks/outcomes';
import { handOverPrefix, type AgentTask, type AgentTasks } from './index';
import { importOutcomesCsv, type RefusedRow } from './csv';
import type { Readable } from 'node:stream';

type ContactQueries = ReturnType<typeof createContactQueries>;

export interface AgentDeskDeps {
  tasks: AgentTasks;
  ingest: Pick<IngestService, 'ingest'>;
  contacts: ContactQueries;
  clock: Clock;
}

/** Who is asking: the agent's id and roles (PII follows the roles, and the task they hold). */
export interface Agent {
  id: string;
  roles: readonly Role[];
}

/** The idempotency key of a task's outcome event: recording it twice appends it once. */
export const outcomeMessageId = (taskId: number): string => `agent-task-${taskId}`;

/** The calls an outcome becomes, through the ingest path every other event takes: the outcome, and an opt-out of calls when the contact asked for one. */
export function outcomeCalls(task: AgentTask, outcome: CallOutcome, note: string | null, at: number): Call[] {
  const who = task.externalId ? { userId: task.externalId } : { anonymousId: task.anonymousId ?? '' };
  const timestamp = new Date(at).toISOString();
  const properties = { outcome, task_id: task.id, message_id: task.messageId, journey_id: task.journeyId, node_id: task.nodeId, ...(note ? { note } : {}) };
  const calls: Call[] = [{ type: 'track', ...who, event: callOutcomeEvent, properties, timestamp, messageId: outcomeMessageId(task.id) }];
  // "don't call me again": no more calls of either kind, the robot's included
  if (outcome === 'opt_out')
    for (const channel of ['agent_call', 'voice'])
      calls.push({ type: 'track', ...who, event: 'unsubscribed', properties: { channel, source: 'agent_call' }, timestamp, messageId: `${outcomeMessageId(task.id)}-unsubscribed-${channel}` });
  return calls;
}

/**
 * The Agent page's use cases: claim the next call, see who to call (their
 * summary and recent timeline), and record what came of it. An outcome is an
 * event appended through ingestion, so journeys wait for it and branch on it,
 * and the funnel and uplift count it like any reply.
 */
export function createAgentDesk({ tasks, ingest, contacts, clock }: AgentDeskDeps) {
  /** The task with whom to call: the agent dials, so the phone of the contact they hold is theirs to see; the timeline follows their roles. */
  const view = (task: AgentTask, agent: Agent) => {
    const key = task.externalId ?? task.anonymousId ?? '';
    const holds = task.status === 'claimed' && task.claimedBy === agent.id;
    return {
      task,
      contact: contacts.get(key, { pii: holds || seesPii(agent.roles) }),
      timeline: contacts.timeline(key, 30, { pii: seesPii(agent.roles) }),
    };
  };

  return {
    /** The task on the agent's desk with its contact, or null. */
    desk(agent: Agent) {
      const task = tasks.desk(agent.id);
      return { ...tasks.agent(agent.id), current: task ? view(task, agent) : null };
    },

    /** Claim the next task (or get back the one on the desk); null with why when the queue is empty or today's capacity is used up. */
    claimNext(agent: Agent) {
      const r = tasks.claimNext(agent.id, clock.now());
      return { claimedToday: r.claimedToday, dailyCapacity: r.dailyCapacity, why: r.task ? null : r.why, current: r.task ? view(r.task, agent) : null };
    },

    /** Close the agent's task with its outcome and append the outcome event, in one transaction: both land or neither. */
    recordOutcome(agent: Agent, taskId: number, outcome: CallOutcome, note: string | null) {
      const task = tasks.get(taskId);
      if (!task) throw refuse('NOT_FOUND', 'call_task_unknown', { id: taskId });
      if (task.status !== 'claimed' || task.claimedBy !== agent.id) throw refuse('CONFLICT', 'call_task_not_on_desk', { id: taskId, status: task.status });
      const now = clock.now();
      tasks.transaction(() => {
        if (!tasks.close(taskId, agent.id, outcome, note, now)) throw refuse('CONFLICT', 'call_task_closed_meanwhile', { id: taskId });
        ingest.ingest(outcomeCalls(task, outcome, note, now));
      });
      return { id: taskId, outcome };
    },

    /**
     * Hand a team's best due tasks to an outside call centre and export them
     * (agentTasks/csv.ts): they leave the queue here at once, so nobody calls
     * twice, and close when their outcomes come back by `importOutcomes`.
     */
    handOver(by: Agent, team: string, limit: number) {
      const at = clock.now();
      const holder = `${handOverPrefix}${by.id}`;
      return { holder, at, moved: tasks.handOver(team, limit, holder, at) };
    },

    /**
     * An outside call centre's outcomes (CSV `task_id,outcome,note`): each row
     * closes its task and appends its outcome event like an agent's would, a
     * chunk of rows per transaction; a row whose task is unknown or closed
     * already is refused by line, as the contacts import refuses a bad row.
     */
    importOutcomes(input: Readable) {
      return importOutcomesCsv(input, {
        record: (rows) =>
          tasks.transaction(() => {
            const now = clock.now();
            const refused: RefusedRow[] = [];
            const calls: Call[] = [];
            for (const { row, line } of rows) {
              const task = tasks.get(row.taskId);
              if (!task) refused.push({ line, messageRef: { code: 'call_task_unknown', params: { id: row.taskId } } });
              else if (!tasks.close(row.taskId, null, row.outcome, row.note, now, true)) refused.push({ line, messageRef: { code: 'call_task_closed_already', params: { id: row.taskId } } });
              else calls.push(...outcomeCalls(task, row.outcome, row.note, now));
            }
            if (calls.length) ingest.ingest(calls);
            return refused;
          }),
      });
    },

    /**
     * Put an agent in a team's queue with a daily capacity (admins). Only an
     * agent-role user: a setting for anyone else would staff a queue with
     * someone who cannot claim from it.
     */
    setAgent(userId: string, team: string, dailyCapacity: number) {
      const who = tasks.agents().find((a) => a.userId === userId);
      if (!who) {
        const user = tasks.user(userId);
        throw user ? refuse('CONFLICT', 'not_an_agent', { login: user.login }) : notFound('user', userId);
      }
      return tasks.setAgent(userId, team, dailyCapacity);
    },

    /** Every agent-role user with their team and daily capacity (admins staff the queues from it). */
    agents: () => tasks.agents(),

    /** Every team's queue today. */
    queues: () => tasks.queues(clock.now()),
  };
}

export type AgentDesk = ReturnType<typeof createAgentDesk>;
