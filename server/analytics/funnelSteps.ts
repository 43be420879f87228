import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { stepLabel } from '../../shared/analytics/funnel';
import { DAY, utcDayStart } from '../../shared/util/time';

export interface FunnelStep {
  key: string;
  label: string;
  count: number;
  /** of the first step */
  rate: number | null;
  /** of the step above; null on the first */
  ofPrevious: number | null;
}

/** Channels whose messages carry a tracked link, so "clicked" is a step (a robo-call has none). */
const linkChannels: ReadonlySet<Channel> = new Set<Channel>(['sms', 'push', 'email']);

/** Which passes the funnel reads: a send node's clicked messages, a send node's messages to runs credited there, or visits. */
type Passes = 'clicked' | 'credited sends' | 'credited visits';

/**
 * The statement that counts a funnel, by its passes and its number of steps
 * after the first bar. Each pass has `t0` (its start), then the time it did
 * each step, null if never: at a link-carrying send node its first click
 * (`click`), then each tracked event's first credit to the run here (`c0`,
 * `c1`…, bound to the event names `@e0`, `@e1`…). A pass
 * reaches step k if it did every step up to k, each no earlier than the one
 * before: shared/analytics/funnel.ts's `sequentialFunnel`, as one CASE chain a
 * step, summed in SQLite, so no pass is read into memory.
 *
 * - `clicked`: the node's sent messages with a first click (messages.clicked_at,
 *   through messages_clicked, an index of the clicked alone), each joined to its
 *   run's credits. A pass that never clicked stops at the first bar, which is the
 *   node's sent counter anyway: it need not be read.
 * - `credited sends` (no link to click): the node's sent messages to the runs
 *   credited here, found through messages_key.
 * - `credited visits` (a node that sends nothing): the credited runs' first
 *   visit here in range, from the run's path.
 *
 * Credits are pivoted by run from conversions_node (journey, node, run, goal, at):
 * the first credit of each event to the run at this node.
 */
function funnelSql(passes: Passes, events: number): string {
  const steps = Array.from({ length: events }, (_, i) => `c${i}`);
  const pivot = steps.map((s, i) => `, min(case when goal = @e${i} then at end) ${s}`).join('');
  const credits = `select run_id${pivot} from conversions where journey_id = @journey and node_id = @node and (@version is null or version = @version) group by run_id`;
  const sentIn = `m.created_at >= @from and m.created_at < @to and (@version is null or m.version = @version) and m.status in ('sent', 'delivered')`;
  const pass = {
    clicked: `select m.created_at t0, m.clicked_at click${steps.map((s) => `, c.${s}`).join('')} from messages m indexed by messages_clicked left join credits c on c.run_id = m.run_id
      where m.journey_id = @journey and m.node_id = @node and m.clicked_at is not null and ${sentIn}`,
    'credited sends': `select m.created_at t0, c.* from credits c join messages m on m.run_id = c.run_id and m.node_id = @node where ${sentIn}`,
    'credited visits': `select * from (select (select min(p.value ->> 2) from runs r, json_each(r.path) p where r.id = c.run_id and p.value ->> 0 = @node
      and p.value ->> 2 >= @from and p.value ->> 2 < @to) t0, c.* from credits c) where t0 is not null`,
  }[passes];
  const times = passes === 'clicked' ? ['click', ...steps] : steps;
  // step k: every time up to k present (a null compares to nothing), each no earlier than the one before it
  const before = ['t0', ...times];
  const after = times.map((t, j) => `${t} >= ${before[j] ?? 't0'}`);
  const reached = after.map((_, k) => `coalesce(sum(case when ${after.slice(0, k + 1).join(' and ')} then 1 else 0 end), 0)`);
  return `with credits as (${credits}) select ${['0', ...reached].join(', ')} from (${pass})`;
}

/**
 * A node's funnel as a funnel: sent (or entered) → clicked → the journey's
 * tracked events in business order, each step counting the passes that did
 * it after the node visit and after the step above (shared/analytics/funnel.ts).
 *
 * The first bar is the node's counter over the range (the caller's
 * `arrived`: its sends at a send node, the dispatcher's `sent` counter; its
 * entries elsewhere, the runner's `entered`), as the canvas shows it. Only
 * the passes that did more than arrive move the bars below it, and SQLite
 * counts them (`funnelSql`): clicks come from the first click time the click
 * recorder keeps on the message, events from the conversions the event
 * router credited (first credit per run, node and event).
 */
export function createFunnelSteps(db: Db) {
  const c = db.$client;
  // one statement per kind of pass and number of steps, its row the counts (raw: an array)
  const statements = new Map<string, Database.Statement<[Record<string, unknown>], number[]>>();
  const counter = (passes: Passes, events: number) => {
    const key = `${passes}:${events}`;
    let st = statements.get(key);
    if (!st) statements.set(key, (st = c.prepare<[Record<string, unknown>], number[]>(funnelSql(passes, events)).raw(true)));
    return st;
  };

  return {
    steps(
      r: { journeyId: string; version?: number | undefined; from?: string | undefined; to?: string | undefined },
      nodeId: string,
      send: { channel: Channel } | null,
      events: readonly string[],
      /** the node's counter over the range: its entries, or at a send node its sends */
      arrived: number,
    ): FunnelStep[] {
      const click = send !== null && linkChannels.has(send.channel);
      const passes: Passes = click ? 'clicked' : send ? 'credited sends' : 'credited visits';
      const params: Record<string, unknown> = {
        journey: r.journeyId,
        node: nodeId,
        version: r.version ?? null,
        from: r.from ? utcDayStart(r.from) : 0,
        to: r.to ? utcDayStart(r.to) + DAY : Number.MAX_SAFE_INTEGER,
      };
      events.forEach((e, i) => (params[`e${i}`] = e));
      const counts = counter(passes, events.length).get(params) ?? [];
      counts[0] = arrived;
      const top = arrived;
      const keys = [send ? 'sent' : 'entered', ...(click ? ['clicked'] : []), ...events];
      return keys.map((key, i) => {
        const count = counts[i] ?? 0;
        const prev = i > 0 ? (counts[i - 1] ?? 0) : null;
        return {
          key,
          label: i === 0 || (click && i === 1) ? key : stepLabel(key),
          count,
          rate: top > 0 ? count / top : null,
          ofPrevious: prev === null ? null : prev > 0 ? count / prev : null,
        };
      });
    },
  };
}
