import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { anAgentCallJourney } from '../../shared/fixtures/agentCallJourney';
import { DAY, HOUR } from '../../shared/util/time';
import { createAgentTasks } from './index';
import { defaultGuardrails } from '../../shared/policy/guardrails';

/** Monday 2 November 2026, noon in Shanghai (the workspace's zone): calling hours. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

let w: TestWorld;
afterEach(() => w.close());

/** Approved by the lender → an agent call → wait up to 2 days for its outcome: a promise to draw, any other outcome, or none. */
const callGraph = () => anAgentCallJourney().build();

/** `n` approved contacts, limits 1000, 2000, … (the last approved is the best), through the journey and the dispatcher. */
async function approved(n: number): Promise<void> {
  await w.publish(callGraph(), 'Agent call');
  w.services.ingest.ingest(
    Array.from({ length: n }, (_, i) => ({ type: 'identify' as const, userId: `u${i + 1}`, traits: { phone: `+86138000000${10 + i}`, limit: (i + 1) * 1000, timezone: 'Asia/Shanghai' } })),
  );
  w.services.ingest.ingest(Array.from({ length: n }, (_, i) => ({ type: 'track' as const, userId: `u${i + 1}`, event: 'credit_granted' })));
  await w.caller.dev.advanceClock({ ms: 0 });
}

const exits = () => w.sql<{ external_id: string; exit_reason: string | null }>(`select c.external_id, r.exit_reason from runs r join contacts c on c.id = r.contact_id order by c.id`);

describe('the agent_call channel', () => {
  it('queues one call task per message and counts the message sent; a second send of the same message queues nothing more', async () => {
    w = aTestWorld(NOON_SH);
    await approved(3);
    expect(w.sql(`select status, channel from messages`)).toEqual(Array.from({ length: 3 }, () => ({ status: 'sent', channel: 'agent_call' })));
    const tasks = w.sql<{ message_id: number; team: string; priority: number; status: string; script: string }>(`select message_id, team, priority, status, script from agent_tasks order by id`);
    expect(tasks.map((t) => [t.team, t.priority, t.status])).toEqual([
      ['default', 1000, 'open'],
      ['default', 2000, 'open'],
      ['default', 3000, 'open'],
    ]);
    expect(tasks[0]?.script).toContain('1000');
    // a re-send after a crash (same message): the same task, not a second one
    const store = createAgentTasks(w.db, { timezone: () => 'Asia/Shanghai', callingHours: () => defaultGuardrails().robocalls });
    const first = w.sql<{ id: number }>(`select id from agent_tasks where message_id = ?`, tasks[0]?.message_id)[0]?.id;
    expect(store.queueForMessage(tasks[0]?.message_id as number, 'again', NOON_SH)).toBe(first);
    expect(w.sql(`select count(*) n from agent_tasks`)).toEqual([{ n: 3 }]);
    const sent = w.sql<{ n: number }>(`select sum(count) n from metrics where node_id = 'call' and metric = 'sent'`)[0]?.n;
    expect(sent).toBe(3);
  });

  it('an agent claims the best task first, holds it until the outcome, and the journey branches on the outcome', async () => {
    w = aTestWorld(NOON_SH);
    await approved(3);
    const agent = w.as(['agent'], 'agent1');
    const first = await agent.caller.agentTasks.claimNext();
    expect(first.current?.task.priority).toBe(3000);
    expect(first.current?.contact.phone).toBe('+8613800000012');
    // the same task again until it is closed
    expect((await agent.caller.agentTasks.claimNext()).current?.task.id).toBe(first.current?.task.id);
    await agent.caller.agentTasks.recordOutcome({ taskId: first.current?.task.id as number, outcome: 'promised_to_draw', note: 'will draw tonight' });
    const second = await agent.caller.agentTasks.claimNext();
    expect(second.current?.task.priority).toBe(2000);
    await agent.caller.agentTasks.recordOutcome({ taskId: second.current?.task.id as number, outcome: 'no_answer' });
    await w.caller.dev.advanceClock({ ms: 0 });
    // u3 promised, u2 did not answer, u1 was never called: after 2 days without an outcome the run times out
    await w.caller.dev.advanceClock({ ms: 2 * DAY + HOUR });
    expect(exits()).toEqual([
      { external_id: 'u1', exit_reason: 'no_outcome' },
      { external_id: 'u2', exit_reason: 'other_outcome' },
      { external_id: 'u3', exit_reason: 'promised' },
    ]);
    const events = w.sql<{ properties: string; message_id: string }>(`select properties, message_id from events where name = 'call_outcome' order by id`);
    expect(events.map((e) => (JSON.parse(e.properties) as { outcome: string }).outcome)).toEqual(['promised_to_draw', 'no_answer']);
    expect(JSON.parse(events[0]?.properties ?? '{}')).toMatchObject({ note: 'will draw tonight', node_id: 'call' });
  });

  it('an outcome is recorded once, by the agent holding the task; another agent or a second try is refused by name', async () => {
    w = aTestWorld(NOON_SH);
    await approved(1);
    const a = w.as(['agent'], 'agent1');
    const b = w.as(['agent'], 'agent2');
    const { current } = await a.caller.agentTasks.claimNext();
    const taskId = current?.task.id as number;
    await expect(b.caller.agentTasks.recordOutcome({ taskId, outcome: 'reached' })).rejects.toThrow(`call task ${taskId} is not on your desk`);
    expect((await b.caller.agentTasks.claimNext()).why).toBe('empty');
    await a.caller.agentTasks.recordOutcome({ taskId, outcome: 'reached' });
    await expect(a.caller.agentTasks.recordOutcome({ taskId, outcome: 'refused' })).rejects.toThrow('it is closed');
    await expect(a.caller.agentTasks.recordOutcome({ taskId: 999, outcome: 'refused' })).rejects.toThrow('call task 999 does not exist');
    await expect(a.caller.agentTasks.recordOutcome({ taskId, outcome: 'maybe' as 'reached' })).rejects.toThrow('outcome must be one of');
    expect(w.sql(`select count(*) n from events where name = 'call_outcome'`)).toEqual([{ n: 1 }]);
    // a viewer has no desk
    await expect(w.as(['viewer'], 'viewer1').caller.agentTasks.claimNext()).rejects.toThrow('agent');
  });

  it('an opt-out on the phone opts the contact out of calls, agent and robot alike', async () => {
    w = aTestWorld(NOON_SH);
    await approved(1);
    const a = w.as(['agent'], 'agent1');
    const { current } = await a.caller.agentTasks.claimNext();
    await a.caller.agentTasks.recordOutcome({ taskId: current?.task.id as number, outcome: 'opt_out' });
    const optOuts = JSON.parse(w.sql<{ opt_outs: string }>(`select opt_outs from contacts where external_id = 'u1'`)[0]?.opt_outs ?? '[]') as string[];
    expect(optOuts.sort()).toEqual(['agent_call', 'voice']);
  });

  it("shows the agent the held contact's phone; the timeline stays masked for a role without PII", async () => {
    w = aTestWorld(NOON_SH);
    await approved(1);
    const a = w.as(['agent'], 'agent1');
    expect((await a.caller.agentTasks.desk()).current).toBeNull();
    await a.caller.agentTasks.claimNext();
    const desk = await a.caller.agentTasks.desk();
    expect(desk.current?.contact.phone).toBe('+8613800000010');
    expect(desk.current?.timeline.contact.phone).toBe('+86138****0010');
  });
});

describe('agent capacity', () => {
  it('an agent takes no more than their daily capacity; the rest wait, counted, and are called on later days, none dropped', async () => {
    w = aTestWorld(NOON_SH);
    await approved(5);
    const a = w.as(['agent'], 'agent1');
    await w.caller.agentTasks.setAgent({ userId: a.user.id, team: 'default', dailyCapacity: 2 });
    const work = async () => {
      const r = await a.caller.agentTasks.claimNext();
      if (r.current) await a.caller.agentTasks.recordOutcome({ taskId: r.current.task.id, outcome: 'reached' });
      return r;
    };
    expect((await work()).current?.task.priority).toBe(5000);
    expect((await work()).current?.task.priority).toBe(4000);
    const full = await work();
    expect(full).toMatchObject({ current: null, why: 'capacity', claimedToday: 2, dailyCapacity: 2 });
    expect(await a.caller.agentTasks.queues()).toEqual([{ team: 'default', agents: 1, capacity: 2, claimedToday: 2, closedToday: 2, open: 3, claimed: 0, beyondCapacity: 3 }]);
    // the next day's capacity takes the next two, the day after the last
    await w.caller.dev.advanceClock({ ms: DAY });
    expect((await work()).current?.task.priority).toBe(3000);
    expect((await work()).current?.task.priority).toBe(2000);
    expect((await work()).why).toBe('capacity');
    expect((await a.caller.agentTasks.queues())[0]).toMatchObject({ open: 1, beyondCapacity: 1 });
    await w.caller.dev.advanceClock({ ms: DAY });
    expect((await work()).current?.task.priority).toBe(1000);
    expect((await work()).why).toBe('empty');
    expect(w.sql(`select status, count(*) n from agent_tasks group by status`)).toEqual([{ status: 'closed', n: 5 }]);
  });

  it('hands out no task while its contact is outside calling hours', async () => {
    w = aTestWorld(NOON_SH);
    await approved(1);
    const a = w.as(['agent'], 'agent1');
    await w.caller.dev.advanceClock({ ms: 9 * HOUR }); // 21:00 in Shanghai
    expect((await a.caller.agentTasks.claimNext()).why).toBe('empty');
    await w.caller.dev.advanceClock({ ms: 12 * HOUR }); // 09:00 the next day
    expect((await a.caller.agentTasks.claimNext()).current?.task.priority).toBe(1000);
  });

  it('an admin lists the agents with their team and capacity and sets them; a user without the agent role or none at all is refused by code', async () => {
    w = aTestWorld(NOON_SH);
    const a = w.as(['agent'], 'agent1');
    const ana = w.as(['analyst'], 'ana1');
    expect(await w.caller.agentTasks.agents()).toEqual([expect.objectContaining({ userId: a.user.id, login: 'agent1', team: 'default', dailyCapacity: 40, active: true })]);
    await w.caller.agentTasks.setAgent({ userId: a.user.id, team: 'north', dailyCapacity: 12 });
    expect(await w.caller.agentTasks.agents()).toEqual([expect.objectContaining({ login: 'agent1', team: 'north', dailyCapacity: 12 })]);
    // the queue counts the agent in their team at their capacity, and anyone may read it (no personal data)
    expect(await ana.caller.agentTasks.queues()).toEqual([expect.objectContaining({ team: 'north', agents: 1, capacity: 12 })]);
    await expect(w.caller.agentTasks.setAgent({ userId: ana.user.id, team: 'north', dailyCapacity: 5 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: '"ana1" does not have the agent role: give it the role first, then a team and a daily capacity',
      cause: { messageRef: { code: 'not_an_agent', params: { login: 'ana1' } } },
    });
    await expect(w.caller.agentTasks.setAgent({ userId: 'nobody', team: 'north', dailyCapacity: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND', cause: { messageRef: { code: 'not_found' } } });
    await expect(a.caller.agentTasks.recordOutcome({ taskId: 77, outcome: 'reached' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      cause: { messageRef: { code: 'call_task_unknown', params: { id: 77 } } },
    });
  });
});
