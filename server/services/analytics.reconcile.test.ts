import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { DAY, HOUR } from '../../shared/util/time';
import { smsStats } from '../../shared/templates/sms';
import { hash32 } from '../../shared/util/hash';
import type { Channel } from '../../shared/journey/channels';
import { anAgentCallJourney } from '../../shared/fixtures/agentCallJourney';
import { callOutcomes } from '../../shared/agentTasks/outcomes';

// Monday 2 Nov 2026, 22:00 in Shanghai: the first SMS land in quiet hours and are deferred to 09:00
const T0 = Date.UTC(2026, 10, 2, 14, 0);
const N = 600;

/**
 * A simulated run over three blueprints (segment entry with a holdout, A/B
 * SMS, a wait for login with a timeout, a robo-call; an idle journey with a
 * time window and a branch; partner offers by webhook), with the sandbox
 * clicking and logging people in, and people doing things on their own.
 * Every number the overlay, the funnel and the summary show must equal what
 * the raw rows say.
 */
describe('analytics reconcile exactly with the raw runs, messages, clicks and conversions', () => {
  let w: TestWorld;
  const journeys: Record<string, string> = {};

  beforeAll(async () => {
    // the sandbox's draws (deliveries, clicks, logins after a click) pinned: with a fresh workspace seed each run, the few
    // contacts who click and then log in (3 of 600 with this one) now and then came to none, and the funnel check failed on nothing
    w = aTestWorld(T0, { rngSeed: 20261207 });
    w.services.journeys.seedBlueprints('demo');
    const rand = (i: number, salt: string) => hash32(`${salt}:${i}`) / 0x1_0000_0000;
    const calls = [];
    for (let i = 0; i < N; i++) {
      const userId = `p${i}`;
      calls.push({
        type: 'identify' as const,
        userId,
        traits: {
          name: `用户${i}`,
          phone: `+86135${String(i).padStart(8, '0')}`,
          limit: 8000,
          registered_at: new Date(T0 - (1 + (i % 80)) * DAY).toISOString(),
          ...(i % 7 === 0 ? { timezone: 'Europe/London' } : {}),
        },
      });
      // a third logged in recently without applying: the idle journey's segment
      if (rand(i, 'idle') < 0.33) calls.push({ type: 'track' as const, userId, event: 'app_login', timestamp: new Date(T0 - 2 * DAY).toISOString() });
    }
    w.services.ingest.ingest(calls);
    for (const j of await w.caller.journeys.list()) {
      if (!j.blueprint || !['registered_never_logged_in', 'logged_in_idle', 'rejected_partner_offer'].includes(j.blueprint)) continue;
      await w.caller.journeys.publish({ id: j.id, enrolNow: true });
      journeys[j.blueprint] = j.id;
    }
    // approved by the lender → an agent calls → wait up to 2 days for the outcome and branch on it; one agent, 10 calls a day
    journeys.agent_call = await w.publish(
      anAgentCallJourney()
        .settings({ goals: [{ event: 'loan_drawn', filter: [], windowDays: 14 }] })
        .build(),
      'Agent call on approval',
    );
    const agent = w.as(['agent'], 'agent1');
    await w.caller.agentTasks.setAgent({ userId: agent.user.id, team: 'default', dailyCapacity: 10 });
    const workTheQueue = async () => {
      for (let r = await agent.caller.agentTasks.claimNext(); r.current; r = await agent.caller.agentTasks.claimNext()) {
        const taskId = r.current.task.id;
        await agent.caller.agentTasks.recordOutcome({ taskId, outcome: callOutcomes[hash32(`outcome:${taskId}`) % callOutcomes.length] as (typeof callOutcomes)[number] });
      }
    };
    // five days: enrolment, sends, deferrals, replies; along the way people act on their own
    for (let d = 0; d < 5; d++) {
      // a rate-limited channel at the end of the window must not spin the fake clock's loop
      expect((await w.caller.dev.advanceClock({ ms: 11 * HOUR })).ticks).toBeLessThan(5000);
      const acts = [];
      for (let i = 0; i < N; i++) {
        const r = rand(i, `day${d}`);
        if (r < 0.04) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'credit_rejected' });
        else if (r < 0.08) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'credit_application_started' });
        else if (r < 0.1) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'loan_drawn' });
        else if (r < 0.13) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'app_login' });
        else if (r < 0.16) acts.push({ type: 'track' as const, userId: `p${i}`, event: 'credit_granted' });
      }
      w.services.ingest.ingest(acts);
      // the agent works the queue late in the morning, in calling hours (London's contacts are asleep: theirs wait)
      await w.caller.dev.advanceClock({ ms: 2 * HOUR });
      await workTheQueue();
      expect((await w.caller.dev.advanceClock({ ms: 11 * HOUR })).ticks).toBeLessThan(5000);
    }
  }, 120_000);
  afterAll(() => w?.close());

  const q = <T>(sql: string, ...args: unknown[]) => w.db.$client.prepare(sql).all(...args) as T[];
  const byKey = <T extends Record<string, unknown>>(rows: T[], key: (r: T) => string, val: (r: T) => number) => Object.fromEntries(rows.map((r) => [key(r), val(r)]));
  const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));

  it('the simulation exercised what it should: deferrals, clicks, conversions, calls, offers', () => {
    const n = (sql: string) => q<{ n: number }>(sql)[0]?.n ?? 0;
    expect(n(`select count(*) n from messages where history like '%"deferred"%'`)).toBeGreaterThan(0);
    expect(n(`select count(*) n from clicks`)).toBeGreaterThan(0);
    expect(n(`select count(*) n from conversions`)).toBeGreaterThan(0);
    expect(n(`select count(*) n from messages where channel = 'voice'`)).toBeGreaterThan(0);
    expect(n(`select count(*) n from messages where channel = 'webhook'`)).toBeGreaterThan(0);
    expect(n(`select count(*) n from runs where exit_reason = 'holdout'`)).toBeGreaterThan(0);
    // agent calls: outcomes recorded, and tasks beyond the agent's capacity still waiting, none dropped
    expect(n(`select count(*) n from events where name = 'call_outcome'`)).toBeGreaterThan(0);
    expect(n(`select count(*) n from agent_tasks where status = 'open'`)).toBeGreaterThan(0);
    expect(n(`select count(*) n from agent_tasks`)).toBe(n(`select count(*) n from messages where channel = 'agent_call' and status in ('sent', 'delivered')`));
  });

  for (const blueprint of ['registered_never_logged_in', 'logged_in_idle', 'rejected_partner_offer', 'agent_call'])
    it(`${blueprint}: every node and edge figure equals the raw rows`, async () => {
      const id = journeys[blueprint] as string;
      const o = await w.caller.analytics.journeyOverlay({ journeyId: id });
      const nodes = o.nodes;
      const figure = (f: (x: (typeof nodes)[string]) => number) => nonZero(Object.fromEntries(Object.entries(nodes).map(([k, v]) => [k, f(v)])));

      // entered: every node any run entered, from the runs' own paths
      expect(figure((x) => x.entered)).toEqual(
        byKey(
          q<{ node: string; n: number }>(`select p.value ->> 0 node, count(*) n from runs r, json_each(r.path) p where r.journey_id = ? group by node`, id),
          (r) => r.node,
          (r) => r.n,
        ),
      );
      // edges: each entry's port, from the node before it in the path
      const rawEdges = q<{ src: string; port: string; n: number }>(
        `select src, port, count(*) n from (select lag(p.value ->> 0) over (partition by r.id order by p.key) src, p.value ->> 3 port from runs r, json_each(r.path) p where r.journey_id = ?) where port is not null group by src, port`,
        id,
      );
      expect(Object.fromEntries(o.edges.map((e) => [`${e.source}/${e.port}`, e.count]))).toEqual(
        byKey(
          rawEdges,
          (r) => `${r.src}/${r.port}`,
          (r) => r.n,
        ),
      );
      // waiting now (and the journeys list's active users) and exits
      const inJourney = q<{ n: number }>(`select count(*) n from runs where journey_id = ? and status <> 'exited'`, id)[0]?.n;
      expect((await w.caller.journeys.list()).find((j) => j.id === id)?.activeUsers).toBe(inJourney);
      expect(figure((x) => x.waiting)).toEqual(
        byKey(
          q<{ node_id: string; n: number }>(`select node_id, count(*) n from runs where journey_id = ? and status <> 'exited' group by node_id`, id),
          (r) => r.node_id,
          (r) => r.n,
        ),
      );
      expect(nonZero(Object.fromEntries(Object.entries(nodes).flatMap(([k, v]) => Object.entries(v.exitReasons).map(([reason, n]) => [`${k}/${reason}`, n]))))).toEqual(
        byKey(
          q<{ node_id: string; exit_reason: string; n: number }>(`select node_id, exit_reason, count(*) n from runs where journey_id = ? and status = 'exited' group by node_id, exit_reason`, id),
          (r) => `${r.node_id}/${r.exit_reason}`,
          (r) => r.n,
        ),
      );
      // the outbox: queued by the runner, sent, delivered, failed, held back by reason
      const perNode = (sql: string) =>
        byKey(
          q<{ node_id: string; n: number }>(sql, id),
          (r) => r.node_id,
          (r) => r.n,
        );
      expect(figure((x) => x.queued)).toEqual(perNode(`select node_id, count(*) n from messages where journey_id = ? and queued_at is not null group by node_id`));
      expect(figure((x) => x.sent)).toEqual(perNode(`select node_id, count(*) n from messages where journey_id = ? and status in ('sent', 'delivered') group by node_id`));
      expect(figure((x) => x.delivered)).toEqual(perNode(`select node_id, count(*) n from messages where journey_id = ? and status = 'delivered' group by node_id`));
      expect(figure((x) => x.failed)).toEqual(perNode(`select node_id, count(*) n from messages where journey_id = ? and status in ('failed', 'dead') group by node_id`));
      for (const decision of ['deferred', 'suppressed'] as const) {
        const raw = q<{ node_id: string; reason: string; n: number }>(
          `select m.node_id, h.value -> 'detail' ->> 'reason' reason, count(*) n from messages m, json_each(m.history) h where m.journey_id = ? and h.value ->> 'status' = ? group by m.node_id, reason`,
          id,
          decision,
        );
        const shown = Object.fromEntries(Object.entries(nodes).flatMap(([k, v]) => Object.entries(v[decision]).map(([reason, n]) => [`${k}/${reason}`, n])));
        expect(nonZero(shown)).toEqual(
          byKey(
            raw,
            (r) => `${r.node_id}/${r.reason}`,
            (r) => r.n,
          ),
        );
      }
      // clicks (unique per message) and conversions (once per contact, node and event)
      expect(figure((x) => x.clicked)).toEqual(
        perNode(`select m.node_id, count(distinct k.message_id) n from clicks k join messages m on m.id = k.message_id where m.journey_id = ? group by m.node_id`),
      );
      const reached = Object.fromEntries(Object.entries(nodes).flatMap(([k, v]) => Object.entries(v.reached).map(([e, n]) => [`${k}/${e}`, n])));
      expect(nonZero(reached)).toEqual(
        byKey(
          q<{ node_id: string; goal: string; n: number }>(`select node_id, goal, count(*) n from conversions where journey_id = ? group by node_id, goal`, id),
          (r) => `${r.node_id}/${r.goal}`,
          (r) => r.n,
        ),
      );
    });

  it('the node funnel and its variant split equal the raw rows; cost counts billed SMS parts', async () => {
    const id = journeys.registered_never_logged_in as string;
    const f = await w.caller.analytics.nodeFunnel({ journeyId: id, nodeId: 'sms_1' });
    const one = (sql: string, ...a: unknown[]) => q<{ n: number }>(sql, ...a)[0]?.n ?? 0;
    const step = (k: string) => f.steps.find((s) => s.key === k)?.count;
    expect(f.steps.map((s) => s.key)).toEqual(['sent', 'clicked', 'app_login', 'credit_application_started', 'loan_drawn']);
    expect(step('sent')).toBe(one(`select count(*) n from messages where journey_id = ? and node_id = 'sms_1' and status in ('sent', 'delivered')`, id));
    expect(step('clicked')).toBe(
      one(`select count(distinct k.message_id) n from clicks k join messages m on m.id = k.message_id where m.journey_id = ? and m.node_id = 'sms_1' and m.status in ('sent', 'delivered')`, id),
    );
    // the sequential funnel from the raw events: after the message, after the click, then each step after the one above,
    // taking the first time each event happened within the goal's 7-day window after the visit
    const sent = q<{ contact_id: number; start: number; clicked: number | null }>(
      `select m.contact_id, m.created_at start, (select min(at) from clicks k where k.message_id = m.id) clicked from messages m where m.journey_id = ? and m.node_id = 'sms_1' and m.status in ('sent', 'delivered')`,
      id,
    );
    const firstAfter = (contact: number, event: string, visit: number) =>
      q<{ at: number | null }>(`select min(at) at from events where contact_id = ? and name = ? and at >= ? and at <= ?`, contact, event, visit, visit + 7 * DAY)[0]?.at ?? null;
    const expected = [sent.length, 0, 0, 0, 0];
    for (const m of sent) {
      let t = m.clicked;
      if (t === null || t < m.start) continue;
      expected[1] = (expected[1] ?? 0) + 1;
      for (const [k, e] of ['app_login', 'credit_application_started', 'loan_drawn'].entries()) {
        const at = firstAfter(m.contact_id, e, m.start);
        if (at === null || at < t) break;
        t = at;
        expected[k + 2] = (expected[k + 2] ?? 0) + 1;
      }
    }
    expect(f.steps.map((s) => s.count)).toEqual(expected);
    expect(expected[2]).toBeGreaterThan(0);
    for (let k = 1; k < f.steps.length; k++) expect(f.steps[k]?.count).toBeLessThanOrEqual(f.steps[k - 1]?.count ?? 0);
    expect(f.rule).toMatch(/after this node and after the step above, within 7 days/);

    // a node that sends nothing: entered, then the steps after the visit
    const split = await w.caller.analytics.nodeFunnel({ journeyId: id, nodeId: 'holdout' });
    expect(split.steps.map((s) => s.key)).toEqual(['entered', 'app_login', 'credit_application_started', 'loan_drawn']);
    expect(split.steps[0]?.count).toBe(one(`select count(*) n from runs r, json_each(r.path) p where r.journey_id = ? and p.value ->> 0 = 'holdout'`, id));
    expect(split.steps[1]?.count).toBe(
      one(
        `select count(*) n from runs r, json_each(r.path) p where r.journey_id = ? and p.value ->> 0 = 'holdout'
         and exists (select 1 from events e where e.contact_id = r.contact_id and e.name = 'app_login' and e.at >= p.value ->> 2 and e.at <= (p.value ->> 2) + ?)`,
        id,
        7 * DAY,
      ),
    );
    for (let k = 1; k < split.steps.length; k++) expect(split.steps[k]?.count).toBeLessThanOrEqual(split.steps[k - 1]?.count ?? 0);
    expect(f.byVariant.map((v) => v.variant)).toEqual(['a', 'b']);
    for (const v of f.byVariant) {
      expect(v.sent).toBe(one(`select count(*) n from messages where journey_id = ? and node_id = 'sms_1' and variant = ? and status in ('sent', 'delivered')`, id, v.variant));
      expect(v.clicked).toBe(
        one(`select count(distinct k.message_id) n from clicks k join messages m on m.id = k.message_id where m.journey_id = ? and m.node_id = 'sms_1' and m.variant = ?`, id, v.variant),
      );
      expect(v.converted).toBe(
        one(
          `select count(*) n from conversions cv join messages m on m.run_id = cv.run_id and m.node_id = cv.node_id where cv.journey_id = ? and cv.node_id = 'sms_1' and cv.goal = 'app_login' and m.variant = ?`,
          id,
          v.variant,
        ),
      );
    }
    const bodies = q<{ body: string }>(`select body from messages where journey_id = ? and node_id = 'sms_1' and status in ('sent', 'delivered')`, id);
    expect(f.cost.units).toBe(bodies.reduce((s, b) => s + smsStats(b.body).parts, 0));
    expect(f.sample.length).toBeGreaterThan(0);
  });

  it('the journey summary: entries, people inside now, and per channel sends, conversions and cost', async () => {
    const id = journeys.registered_never_logged_in as string;
    const s = await w.caller.analytics.journeySummary({ journeyId: id });
    const one = (sql: string, ...a: unknown[]) => q<{ n: number }>(sql, ...a)[0]?.n ?? 0;
    expect(s.entered).toBe(one(`select count(*) n from runs where journey_id = ?`, id));
    expect(s.active).toBe(one(`select count(*) n from runs where journey_id = ? and status <> 'exited'`, id));
    const byChannel = Object.fromEntries(s.byChannel.map((c) => [c.channel, c]));
    for (const ch of ['sms', 'voice'] as Channel[]) {
      expect(byChannel[ch]?.sent, ch).toBe(one(`select count(*) n from messages where journey_id = ? and channel = ? and status in ('sent', 'delivered')`, id, ch));
      expect(byChannel[ch]?.converted, ch).toBe(
        one(
          `select count(distinct cv.contact_id) n from conversions cv where cv.journey_id = ? and cv.goal = 'app_login' and cv.node_id in (select distinct node_id from messages where journey_id = ? and channel = ?)`,
          id,
          id,
          ch,
        ),
      );
    }
  });

  it("the agent-call journey's summary: agent calls sent, the outcomes' branches and conversions, as the raw rows say", async () => {
    const id = journeys.agent_call as string;
    const s = await w.caller.analytics.journeySummary({ journeyId: id });
    const one = (sql: string, ...a: unknown[]) => q<{ n: number }>(sql, ...a)[0]?.n ?? 0;
    const calls = s.byChannel.find((c) => c.channel === 'agent_call');
    expect(calls?.sent).toBe(one(`select count(*) n from agent_tasks where journey_id = ?`, id));
    expect(calls?.converted).toBe(one(`select count(distinct contact_id) n from conversions where journey_id = ? and goal = 'loan_drawn'`, id));
    // each closed task's outcome event moved its run on: promised ones by the promised port
    const promised = one(`select count(*) n from runs where journey_id = ? and exit_reason = 'promised'`, id);
    expect(promised).toBeGreaterThan(0);
    expect(promised).toBeLessThanOrEqual(one(`select count(*) n from agent_tasks where journey_id = ? and outcome = 'promised_to_draw'`, id));
  });

  it('a date range and a version narrow the figures to them', async () => {
    const id = journeys.registered_never_logged_in as string;
    const day1 = new Date(T0).toISOString().slice(0, 10);
    const all = await w.caller.analytics.journeyOverlay({ journeyId: id });
    const first = await w.caller.analytics.journeyOverlay({ journeyId: id, from: day1, to: day1 });
    const firstDaySent = q<{ n: number }>(`select coalesce(sum(count), 0) n from metrics where journey_id = ? and metric = 'sent' and day = ? and node_id = 'sms_1'`, id, day1)[0]?.n ?? 0;
    expect(first.nodes.sms_1?.sent ?? 0).toBe(firstDaySent);
    expect(first.nodes.sms_1?.sent ?? 0).toBeLessThan(all.nodes.sms_1?.sent ?? 0);
    const v1 = await w.caller.analytics.journeyOverlay({ journeyId: id, version: 1 });
    expect(v1.nodes).toEqual(all.nodes);
    const v2 = await w.caller.analytics.journeyOverlay({ journeyId: id, version: 2 });
    expect(v2.nodes).toEqual({});
  });
});
