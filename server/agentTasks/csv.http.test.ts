import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { anHttpWorld, type HttpWorld } from '../testing/httpWorld';
import { signIn } from '../testing/signIn';
import { aGraph } from '../../shared/fixtures/builders';
import type { Role } from '../../shared/auth/roles';

/** Monday 2 November 2026, noon in Shanghai: calling hours. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);

/** An outside call centre: the tasks go out as CSV (handed over, so no agent here calls them too) and their outcomes come back as CSV. */
describe('call tasks out to an outside call centre and outcomes back, as CSV', () => {
  let w: HttpWorld;
  afterEach(() => w.close());
  const password = 'agent-csv-test-password';
  const userAs = async (roles: Role[], login: string): Promise<string> => {
    await w.trpc.users.create.mutate({ login, displayName: login, password, roles });
    return signIn(w.server.url, login, password);
  };
  const post = (path: string, cookie: string, body: string, type: string) =>
    fetch(`${w.server.url}/agent-tasks/${path}`, { method: 'POST', headers: { cookie, 'content-type': type, 'x-journeys-client': 'test' }, body });

  /** four approved contacts, limits 1000 … 4000, each queued for a call by a live journey that waits for the outcome */
  async function queueCalls(): Promise<void> {
    const graph = aGraph()
      .node('entry', 'trigger.event', { event: 'credit_granted' })
      .node('call', 'send', { channel: 'agent_call', template: 'approved_agent_call' })
      .node('wait', 'wait.event', { event: 'call_outcome', filter: [{ property: 'outcome', op: 'eq', value: 'promised_to_draw' }], timeout: { amount: 2, unit: 'days' } })
      .node('promised', 'exit', { reason: 'promised' })
      .node('silent', 'exit', { reason: 'no_promise' })
      .then('entry', 'call')
      .then('call', 'wait')
      .then('wait', 'promised', 'event')
      .then('wait', 'silent', 'timeout')
      .build();
    const { id } = await w.trpc.journeys.create.mutate({ name: 'Calls' });
    await w.trpc.journeys.saveDraft.mutate({ id, graph });
    await w.trpc.journeys.publish.mutate({ id });
    const ids = ['c1', 'c2', 'c3', 'c4'];
    await w.ingest('batch', {
      batch: [
        ...ids.map((userId, i) => ({ type: 'identify', userId, traits: { name: `N${i + 1}`, phone: `+8613900000${i + 1}0`, limit: (i + 1) * 1000 } })),
        ...ids.map((userId) => ({ type: 'track', userId, event: 'credit_granted' })),
      ],
    });
    await w.trpc.dev.advanceClock.mutate({ ms: 0 });
  }

  it('exports the best due tasks with full numbers, takes them out of the queue, and records the outcomes imported back; bad rows come back as the error file', async () => {
    w = await anHttpWorld(NOON_SH);
    await queueCalls();
    const analyst = await userAs(['analyst'], 'ana');
    const out = await post('export.csv', analyst, JSON.stringify({ team: 'default', limit: 3 }), 'application/json');
    expect(out.status).toBe(200);
    expect(out.headers.get('x-total-rows')).toBe('3');
    const rows = parse<Record<string, string>>((await out.text()).replace(/^\uFEFF/, ''), { columns: true });
    expect(rows.map((r) => [r.user_id, r.phone, r.limit])).toEqual([
      ['c4', '+861390000040', '4000'],
      ['c3', '+861390000030', '3000'],
      ['c2', '+861390000020', '2000'],
    ]);
    expect(rows[0]?.script).toContain('4000');
    // handed over: the agents' capacity here is untouched (the outside centre calls them), and an agent here gets only the one left
    expect((await w.trpc.agentTasks.queues.query())[0]).toMatchObject({ open: 1, claimed: 3, claimedToday: 0 });
    const agent = await userAs(['agent'], 'agent1');
    const claim = await fetch(`${w.server.url}/trpc/agentTasks.claimNext`, { method: 'POST', headers: { cookie: agent, 'content-type': 'application/json', 'x-journeys-client': 'test' }, body: '{}' });
    expect(((await claim.json()) as { result: { data: { current: { task: { externalId: string } } } } }).result.data.current.task.externalId).toBe('c1');

    const [c4 = '', c3 = '', c2 = ''] = rows.map((r) => r.task_id ?? '');
    const file = ['task_id,outcome,note', `${c4},promised_to_draw,"will draw, tonight"`, `${c3},maybe,`, `x9,reached,`, `${c2},no_answer,`, `${c2},reached,twice`, '999,reached,', c4].join('\n');
    const back = await post('outcomes.csv', analyst, file, 'text/csv');
    expect(back.status).toBe(200);
    const report = (await back.json()) as { rows: number; recorded: number; bad: { line: number; field: string | null; error: string }[]; errorsCsv: string };
    expect(report.rows).toBe(7);
    expect(report.recorded).toBe(2);
    expect(report.bad.map((b) => [b.line, b.field])).toEqual([
      [3, 'outcome'],
      [4, 'task_id'],
      [6, 'task_id'],
      [7, 'task_id'],
      [8, null],
    ]);
    expect(report.bad[0]?.error).toBe('outcome: "maybe" is not an outcome (reached, no_answer, wrong_number, promised_to_draw, refused, opt_out)');
    expect(report.bad[2]?.error).toBe(`task_id: call task ${c2} is closed already`);
    expect(report.bad[3]?.error).toBe('task_id: call task 999 does not exist');
    // each refused row carries its stable code, for the client to word in the reader's language
    const refs = (report as unknown as { bad: { messageRef?: unknown }[] }).bad.map((b) => b.messageRef ?? null);
    expect(refs.slice(0, 4)).toEqual([
      { code: 'call_row_outcome_invalid', params: { got: 'maybe', choices: 'reached, no_answer, wrong_number, promised_to_draw, refused, opt_out' } },
      { code: 'call_row_task_id_invalid', params: { got: 'x9' } },
      { code: 'call_task_closed_already', params: { id: Number(c2) } },
      { code: 'call_task_unknown', params: { id: 999 } },
    ]);
    // the same error file the contacts import writes: line, field, error
    expect(report.errorsCsv.split('\n')[0]).toBe('line,field,error');
    expect(report.errorsCsv.split('\n')[1]).toBe('3,outcome,"outcome: ""maybe"" is not an outcome (reached, no_answer, wrong_number, promised_to_draw, refused, opt_out)"');

    // the imported promise moves its run on, like an agent's
    await w.trpc.dev.advanceClock.mutate({ ms: 0 });
    const exits = w.server.db.$client.prepare(`select c.external_id id, r.exit_reason reason from runs r join contacts c on c.id = r.contact_id order by c.external_id`).all();
    expect(exits).toEqual([
      { id: 'c1', reason: null },
      { id: 'c2', reason: null },
      { id: 'c3', reason: null },
      { id: 'c4', reason: 'promised' },
    ]);
    expect(w.server.db.$client.prepare(`select note from agent_tasks where id = ?`).get(Number(c4))).toEqual({ note: 'will draw, tonight' });
  });

  it('refuses whoever may not see phone numbers, a file without its columns, and a bad hand-over, naming what is wrong', async () => {
    w = await anHttpWorld(NOON_SH);
    const operator = await userAs(['operator', 'agent'], 'op');
    const refused = await post('export.csv', operator, '{}', 'application/json');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'the call centre files hold phone numbers: they need the analyst role', messageRef: { code: 'call_files_need_analyst', params: {} } });
    const analyst = await userAs(['analyst'], 'ana');
    const noOutcome = await post('outcomes.csv', analyst, 'task_id,note\n1,hello', 'text/csv');
    expect(noOutcome.status).toBe(400);
    expect(await noOutcome.json()).toEqual({
      error: 'the header row (line 1) must have a column named outcome; it has: task_id, note',
      messageRef: { code: 'call_outcomes_header', params: { column: 'outcome', has: 'task_id, note' } },
    });
    const empty = await post('outcomes.csv', analyst, '', 'text/csv');
    expect(await empty.json()).toEqual({
      error: 'the file is empty: expected a header row such as task_id,outcome,note',
      messageRef: { code: 'csv_empty', params: { example: 'task_id,outcome,note' } },
    });
    const badLimit = await post('export.csv', analyst, JSON.stringify({ limit: 0 }), 'application/json');
    expect(badLimit.status).toBe(400);
    expect(await badLimit.json()).toEqual({
      error: 'limit: limit must be at least 1',
      field: 'limit',
      messageRef: null,
      issues: [{ path: 'limit', message: 'limit must be at least 1', code: 'too_small', params: { origin: 'number', limit: 1, inclusive: 'yes' } }],
    });
  });
});
