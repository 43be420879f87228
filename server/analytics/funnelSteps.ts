import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import { sequentialFunnel, stepLabel, type Passage } from '../../shared/analytics/funnel';
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

/**
 * A node's funnel as a funnel: sent (or entered) → clicked → the journey's
 * tracked events in business order, each step counting the passes that did
 * it after the node visit and after the step above (shared/analytics/funnel.ts).
 *
 * The passes: at a send node, its messages sent on the days in range (the
 * dispatcher's `sent` counter); at any other node, its entries on those days
 * (the runner's `entered` counter). Only the passes that did more than arrive
 * are read one by one: those clicked or converted. Clicks and
 * events come from the rows the click route and the event router wrote
 * (first click per message; first credit per run, node and event).
 */
export function createFunnelSteps(db: Db) {
  const c = db.$client;

  /** run id → event → first credited time, at `nodeId` */
  function credits(journeyId: string, nodeId: string, version: number | undefined): Map<number, Record<string, number>> {
    const rows = c
      .prepare<[string, string, number | null, number | null], { run_id: number; goal: string; at: number }>(
        'select run_id, goal, min(at) at from conversions where journey_id = ? and node_id = ? and (? is null or version = ?) group by run_id, goal',
      )
      .all(journeyId, nodeId, version ?? null, version ?? null);
    const out = new Map<number, Record<string, number>>();
    for (const r of rows) {
      const ev = out.get(r.run_id) ?? {};
      ev[r.goal] = r.at;
      out.set(r.run_id, ev);
    }
    return out;
  }

  type Sent = { id: number; run_id: number; start: number; clicked_at: number | null };
  const sentWhere = `m.created_at >= ? and m.created_at < ? and (? is null or m.version = ?) and m.status in ('sent', 'delivered')`;
  // those clicked, from the first clicks (far fewer than the sends), each with its first click
  const clickedSent = c.prepare<[string, string, number, number, number | null, number | null], Sent>(
    `select m.id, m.run_id, m.created_at start, min(k.at) clicked_at from clicks k join messages m on m.id = k.message_id
     where m.journey_id = ? and m.node_id = ? and ${sentWhere} group by m.id`,
  );
  // the node's sends to the runs credited here (a JSON array of run ids), through messages_key (run, node, visit)
  const sentOfRuns = c.prepare<[string, string, number, number, number | null, number | null], Sent>(
    `select m.id, m.run_id, m.created_at start, (select min(k.at) from clicks k where k.message_id = m.id) clicked_at from messages m
     where m.run_id in (select value from json_each(?)) and m.node_id = ? and ${sentWhere}`,
  );

  return {
    steps(
      r: { journeyId: string; version?: number | undefined; from?: string | undefined; to?: string | undefined },
      nodeId: string,
      send: { channel: Channel } | null,
      events: readonly string[],
      /** the node's counter over the range: its entries, or at a send node its sends */
      arrived: number,
    ): FunnelStep[] {
      const from = r.from ? utcDayStart(r.from) : 0;
      const to = r.to ? utcDayStart(r.to) + DAY : Number.MAX_SAFE_INTEGER;
      const version = r.version ?? null;
      const byRun = credits(r.journeyId, nodeId, r.version);
      const click = send !== null && linkChannels.has(send.channel);
      let top: number;
      const passages: Passage[] = [];
      if (send) {
        // the first bar is the node's sent counter (the caller's `arrived`, as the canvas shows it); only the passes that
        // did more than arrive move the bars below it: the messages clicked, and those of runs credited here. A million
        // sends are never read into memory one by one
        top = arrived;
        const seen = new Set<number>();
        const add = (m: { id: number; run_id: number; start: number; clicked_at: number | null }) => {
          if (seen.has(m.id)) return;
          seen.add(m.id);
          passages.push({ start: m.start, clickedAt: m.clicked_at, events: byRun.get(m.run_id) ?? {} });
        };
        if (click) for (const m of clickedSent.all(r.journeyId, nodeId, from, to, version, version)) add(m);
        if (byRun.size > 0) for (const m of sentOfRuns.all(JSON.stringify([...byRun.keys()]), nodeId, from, to, version, version)) add(m);
      } else {
        top = arrived;
        // the passes that converted, with their visit here in range
        const visits = c.prepare<[number, string, number, number], { at: number | null }>(
          `select min(p.value ->> 2) at from runs r, json_each(r.path) p where r.id = ? and p.value ->> 0 = ? and p.value ->> 2 >= ? and p.value ->> 2 < ?`,
        );
        for (const [runId, ev] of byRun) {
          const at = visits.get(runId, nodeId, from, to)?.at;
          if (at !== null && at !== undefined) passages.push({ start: at, events: ev });
        }
      }
      const counts = sequentialFunnel(passages, events, { click });
      counts[0] = top;
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
