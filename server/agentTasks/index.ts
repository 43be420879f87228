import type { Db } from '../db/client';
import { defaultDailyCapacity, defaultTeam, type CallOutcome, type TaskStatus } from '../../shared/agentTasks/outcomes';
import { taskPriority } from '../../shared/agentTasks/priority';
import { callingHoursUntil, type RobocallRules } from '../../shared/policy/guardrails';

/** A task as the queue and the agent's desk show it. */
export interface AgentTask {
  id: number;
  messageId: number;
  contactId: number;
  externalId: string | null;
  anonymousId: string | null;
  journeyId: string;
  version: number;
  nodeId: string;
  team: string;
  priority: number;
  script: string | null;
  status: TaskStatus;
  dueAt: number;
  claimedBy: string | null;
  claimedAt: number | null;
  outcome: CallOutcome | null;
  note: string | null;
  closedAt: number | null;
  createdAt: number;
}

/** One team's queue today: what waits, what an agent holds, and how much of the day's capacity is left. */
export interface TeamQueue {
  team: string;
  agents: number;
  /** the agents' daily capacities summed */
  capacity: number;
  claimedToday: number;
  closedToday: number;
  /** open and due now */
  open: number;
  claimed: number;
  /** open tasks beyond what today's capacity left can take: they wait for tomorrow's, never dropped */
  beyondCapacity: number;
}

export interface AgentSettings {
  userId: string;
  team: string;
  dailyCapacity: number;
}

/** An agent-role user as the admin staffs them: who, and their team and capacity (the defaults until set). */
export interface StaffedAgent extends AgentSettings {
  login: string;
  displayName: string;
  active: boolean;
}

export type ClaimResult = { task: AgentTask; claimedToday: number; dailyCapacity: number } | { task: null; why: 'capacity' | 'empty'; claimedToday: number; dailyCapacity: number };

export interface AgentTaskDeps {
  /** the workspace's zone: an agent's capacity is per day there */
  timezone: () => string;
  /** the contact policy's calling hours: a task is handed out only while its contact may be called */
  callingHours: () => RobocallRules;
}

/** The holder of tasks handed to an outside call centre starts so (`export:<user id>`): they use none of the agents' capacity here. */
export const handOverPrefix = 'export:';

/** How many of the best open tasks a claim looks through for one whose contact is in calling hours now. */
const claimLookahead = 50;

const columns = `t.id, t.message_id messageId, t.contact_id contactId, k.external_id externalId, k.anonymous_id anonymousId, t.journey_id journeyId, t.version, t.node_id nodeId,
  t.team, t.priority, t.script, t.status, t.due_at dueAt, t.claimed_by claimedBy, t.claimed_at claimedAt, t.outcome, t.note, t.closed_at closedAt, t.created_at createdAt`;

/** The calendar day of `at` in `tz`, YYYY-MM-DD. */
export const dayIn = (at: number, tz: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));

/**
 * The call-centre queue's one owner: every write of `agent_tasks` and
 * `agents` is here. The dispatcher's agent_call provider queues a task per
 * message (once, whatever the retries); agents claim the best due task of
 * their team up to their daily capacity; an outcome closes it. What is beyond
 * capacity stays open, counted, until a later day's capacity takes it.
 */
export function createAgentTasks(db: Db, deps: AgentTaskDeps) {
  const c = db.$client;
  const factsOf = c.prepare<[number], { contactId: number; journeyId: string; version: number; nodeId: string; amount: unknown; team: string | null; approvedAt: number | null }>(
    `select m.contact_id contactId, m.journey_id journeyId, m.version, m.node_id nodeId, json_extract(k.traits, '$.limit') amount, json_extract(k.traits, '$.call_team') team,
       (select max(e.at) from events e where e.contact_id = m.contact_id and e.name = 'credit_granted') approvedAt
     from messages m join contacts k on k.id = m.contact_id where m.id = ?`,
  );
  const insert = c.prepare(
    `insert into agent_tasks (message_id, contact_id, journey_id, version, node_id, team, priority, script, status, due_at, created_at)
     values (@messageId, @contactId, @journeyId, @version, @nodeId, @team, @priority, @script, 'open', @now, @now) on conflict (message_id) do nothing`,
  );
  const byId = c.prepare<[number], AgentTask>(`select ${columns} from agent_tasks t join contacts k on k.id = t.contact_id where t.id = ?`);
  const byMessage = c.prepare<[number], { id: number }>('select id from agent_tasks where message_id = ?');
  const agentRow = c.prepare<[string], AgentSettings>('select user_id userId, team, daily_capacity dailyCapacity from agents where user_id = ?');
  const upsertAgent = c.prepare(
    'insert into agents (user_id, team, daily_capacity) values (?, ?, ?) on conflict (user_id) do update set team = excluded.team, daily_capacity = excluded.daily_capacity',
  );
  const claimedCount = c.prepare<[string, string], number>('select count(*) from agent_tasks where claimed_by = ? and claimed_day = ?').pluck();
  const held = c.prepare<[string], AgentTask>(
    `select ${columns} from agent_tasks t join contacts k on k.id = t.contact_id where t.claimed_by = ? and t.status = 'claimed' order by t.claimed_at limit 1`,
  );
  const candidates = c.prepare<[string, number, number], AgentTask & { timezone: string | null }>(
    `select ${columns}, k.timezone from agent_tasks t indexed by agent_tasks_queue join contacts k on k.id = t.contact_id
     where t.team = ? and t.status = 'open' and t.due_at <= ? order by t.priority desc, t.due_at, t.id limit ?`,
  );
  const take = c.prepare(`update agent_tasks set status = 'claimed', claimed_by = ?, claimed_at = ?, claimed_day = ? where id = ? and status = 'open'`);
  const close = c.prepare(
    `update agent_tasks set status = 'closed', outcome = @outcome, note = @note, closed_at = @now, claimed_by = coalesce(claimed_by, @by), claimed_at = coalesce(claimed_at, @now), claimed_day = coalesce(claimed_day, @day)
     where id = @id and (status = 'claimed' and claimed_by = @by or @anyone = 1 and status in ('open', 'claimed'))`,
  );
  const teamStats = c.prepare<{ now: number; day: string }, { team: string; agents: number; capacity: number; claimedToday: number; closedToday: number; open: number; claimed: number }>(
    `with staffed as (select coalesce(a.team, '${defaultTeam}') team, coalesce(a.daily_capacity, ${defaultDailyCapacity}) capacity from users u left join agents a on a.user_id = u.id
                      where u.active and exists (select 1 from json_each(u.roles) r where r.value = 'agent')),
          teams as (select team from staffed union select distinct team from agent_tasks where status != 'closed'),
          staff as (select team, count(*) agents, sum(capacity) capacity from staffed group by team)
     select teams.team, coalesce(staff.agents, 0) agents, coalesce(staff.capacity, 0) capacity,
       (select count(*) from agent_tasks t where t.team = teams.team and t.claimed_day = @day and t.claimed_by not like '${handOverPrefix}%') claimedToday,
       (select count(*) from agent_tasks t where t.team = teams.team and t.status = 'closed' and t.claimed_day = @day) closedToday,
       (select count(*) from agent_tasks t where t.team = teams.team and t.status = 'open' and t.due_at <= @now) open,
       (select count(*) from agent_tasks t where t.team = teams.team and t.status = 'claimed') claimed
     from teams left join staff on staff.team = teams.team order by teams.team`,
  );
  const list = c.prepare<{ status: string | null; team: string | null; limit: number }, AgentTask>(
    `select ${columns} from agent_tasks t join contacts k on k.id = t.contact_id
     where (@status is null or t.status = @status) and (@team is null or t.team = @team) order by t.status = 'closed', t.priority desc, t.due_at, t.id limit @limit`,
  );

  const handOver = c.prepare(
    `update agent_tasks set status = 'claimed', claimed_by = @by, claimed_at = @now, claimed_day = @day
     where id in (select id from agent_tasks indexed by agent_tasks_queue where team = @team and status = 'open' and due_at <= @now order by priority desc, due_at, id limit @limit)`,
  );

  const staff = c.prepare<[], { userId: string; login: string; displayName: string; active: number; team: string; dailyCapacity: number }>(
    `select u.id userId, u.login, u.display_name displayName, u.active, coalesce(a.team, '${defaultTeam}') team, coalesce(a.daily_capacity, ${defaultDailyCapacity}) dailyCapacity
     from users u left join agents a on a.user_id = u.id where exists (select 1 from json_each(u.roles) r where r.value = 'agent') order by u.active desc, u.login`,
  );

  const userLogin = c.prepare<[string], { login: string }>('select login from users where id = ?');

  const agent = (userId: string): AgentSettings => agentRow.get(userId) ?? { userId, team: defaultTeam, dailyCapacity: defaultDailyCapacity };

  return {
    /**
     * The task of an agent_call message, queued once: a re-send of the same
     * message (a crash, a retry) finds it there. Its priority and team come
     * from the contact as it is now. Returns the task's id.
     */
    queueForMessage(messageId: number, script: string | null, now: number): number {
      const f = factsOf.get(messageId);
      if (!f) throw new Error(`agent_call message ${messageId} does not exist`);
      insert.run({ ...f, messageId, team: typeof f.team === 'string' && f.team.trim() ? f.team.trim() : defaultTeam, priority: taskPriority(f.amount, f.approvedAt, now), script, now });
      return (byMessage.get(messageId) as { id: number }).id;
    },

    get: (id: number): AgentTask | null => byId.get(id) ?? null,

    /** Run `fn` in one transaction (closing a task and appending its outcome event land together). */
    transaction: <R>(fn: () => R): R => c.transaction(fn)(),

    agent,

    setAgent(userId: string, team: string, dailyCapacity: number): AgentSettings {
      upsertAgent.run(userId, team, dailyCapacity);
      return agent(userId);
    },

    /** Every agent-role user, active first, with their team and daily capacity (the admin's staffing view). */
    agents: (): StaffedAgent[] => staff.all().map((a) => ({ ...a, active: a.active === 1 })),

    /** A user's login, whatever their roles (null: no such user). */
    user: (userId: string): { login: string } | null => userLogin.get(userId) ?? null,

    /** The task on an agent's desk: the one they claimed and have not closed yet. */
    desk: (userId: string): AgentTask | null => held.get(userId) ?? null,

    /**
     * The agent's next task: the one on their desk if any, else the best open
     * due task of their team whose contact is in calling hours now, unless
     * today's claims reached their daily capacity (then nothing: the rest
     * waits for tomorrow). One transaction: two agents never get one task.
     */
    claimNext: c.transaction((userId: string, now: number): ClaimResult => {
      const a = agent(userId);
      const day = dayIn(now, deps.timezone());
      const claimedToday = claimedCount.get(userId, day) ?? 0;
      const onDesk = held.get(userId);
      if (onDesk) return { task: onDesk, claimedToday, dailyCapacity: a.dailyCapacity };
      if (claimedToday >= a.dailyCapacity) return { task: null, why: 'capacity', claimedToday, dailyCapacity: a.dailyCapacity };
      const hours = deps.callingHours();
      const tz = deps.timezone();
      const pick = candidates.all(a.team, now, claimLookahead).find((t) => callingHoursUntil(hours, now, t.timezone ?? tz) === null);
      if (!pick || take.run(userId, now, day, pick.id).changes === 0) return { task: null, why: 'empty', claimedToday, dailyCapacity: a.dailyCapacity };
      return { task: byId.get(pick.id) as AgentTask, claimedToday: claimedToday + 1, dailyCapacity: a.dailyCapacity };
    }),

    /**
     * Close a task with its outcome. An agent closes only the task they hold;
     * `anyone` (an outcome imported from an outside call centre) closes an open
     * or claimed task. False when the task is not there to close (closed
     * already, someone else's): nothing is written.
     */
    close(id: number, by: string | null, outcome: CallOutcome, note: string | null, now: number, anyone = false): boolean {
      return close.run({ id, by, outcome, note, now, day: dayIn(now, deps.timezone()), anyone: anyone ? 1 : 0 }).changes > 0;
    },

    /**
     * Hand a team's best `limit` due tasks to an outside call centre: claimed
     * by `by` (e.g. `export:<user id>`), so no agent here calls them too, and
     * closed when their outcomes are imported. How many moved.
     */
    handOver(team: string, limit: number, by: string, now: number): number {
      return handOver.run({ team, limit, by, now, day: dayIn(now, deps.timezone()) }).changes;
    },

    /** Every team's queue today; `beyondCapacity` is what today's remaining capacity cannot take. */
    queues(now: number): TeamQueue[] {
      return teamStats.all({ now, day: dayIn(now, deps.timezone()) }).map((q) => ({ ...q, beyondCapacity: Math.max(0, q.open - Math.max(0, q.capacity - q.claimedToday)) }));
    },

    /** Tasks, open first by priority (the export, the admin's list). */
    list: (o: { status?: TaskStatus; team?: string; limit?: number } = {}): AgentTask[] => list.all({ status: o.status ?? null, team: o.team ?? null, limit: o.limit ?? 1000 }),
  };
}

export type AgentTasks = ReturnType<typeof createAgentTasks>;
