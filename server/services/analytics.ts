import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { Channel } from '../../shared/journey/channels';
import { costOf, costPer, unitPrice, type UnitPrices } from '../../shared/analytics/cost';
import { notFound } from './errors';
import { kindDef } from '../../shared/journey/registry';
import { DAY, utcDayStart } from '../../shared/util/time';
import { createFunnelSteps } from '../analytics/funnelSteps';
import { funnelRule, trackedSteps } from '../../shared/analytics/funnel';
import { metricWhere } from '../analytics/metricRange';
import { roiOf, type RoiSettings } from '../../shared/analytics/roi';

export interface AnalyticsRange {
  journeyId: string;
  /** one version; all versions when absent (nodes keep their ids across versions) */
  version?: number | undefined;
  /** UTC days, inclusive, `YYYY-MM-DD` */
  from?: string | undefined;
  to?: string | undefined;
}

/** What the overlay shows on one node. Every figure is a sum of counters written with the rows they count. */
export interface NodeNumbers {
  entered: number;
  /** runs at the node now (not limited by the date range) */
  waiting: number;
  exited: number;
  exitReasons: Record<string, number>;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  suppressed: Record<string, number>;
  deferred: Record<string, number>;
  /** messages clicked at least once */
  clicked: number;
  /** contacts who did each tracked event (goals and funnel steps) within the window after visiting */
  reached: Record<string, number>;
  /** contacts who reached the journey's first goal */
  converted: number;
  conversionRate: number | null;
  holdout: number;
}

const emptyNode = (): NodeNumbers => ({
  entered: 0,
  waiting: 0,
  exited: 0,
  exitReasons: {},
  queued: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  suppressed: {},
  deferred: {},
  clicked: 0,
  reached: {},
  converted: 0,
  conversionRate: null,
  holdout: 0,
});

interface MetricRow {
  node_id: string;
  metric: string;
  label: string;
  n: number;
}

const add = (r: Record<string, number>, k: string, n: number) => (r[k] = (r[k] ?? 0) + n);

/** The event that means a loan was drawn: what a channel's revenue is counted from. */
const loanEvent = 'loan_drawn';

/**
 * Analytics for ops, read from the pre-aggregated counters (metrics, written
 * in the runner's, dispatcher's and ingest's own transactions) and the
 * node gauges: a journey's figures cost a few hundred rows whatever the
 * size of the outbox. They reconcile exactly with the raw runs, messages,
 * clicks and conversions (a test proves it). Costs are at `prices`, the
 * workspace's unit prices (Settings), read at each call so an admin's change
 * shows at once.
 */
export function createAnalytics(db: Db, prices: () => UnitPrices = () => unitPrice, roi: () => RoiSettings | null = () => null) {
  const c = db.$client;
  const versionsOf = c.prepare<[string], { id: number; version: number; machine: string }>('select id, version, machine from journey_versions where journey_id = ? order by version');
  const exists = c.prepare<[string], { one: number }>('select 1 one from journeys where id = ?');
  /**
   * Statements whose text depends on the range (a version, a day span, a node), prepared once per text: an
   * overlay polled by every open canvas spent more on preparing than on reading its few counter rows.
   */
  const statements = new Map<string, Database.Statement>();
  const prep = <P extends unknown[], R>(text: string): Database.Statement<P, R> => {
    let st = statements.get(text);
    if (!st) statements.set(text, (st = c.prepare(text)));
    return st as unknown as Database.Statement<P, R>;
  };
  /** versions are immutable: each machine is parsed once */
  const parsed = new Map<number, CompiledJourney>();
  const machineOf = (v: { id: number; machine: string }): CompiledJourney => {
    let m = parsed.get(v.id);
    if (!m) parsed.set(v.id, (m = JSON.parse(v.machine) as CompiledJourney));
    return m;
  };
  const funnelSteps = createFunnelSteps(db);

  const metricRows = (r: AnalyticsRange, node?: string): MetricRow[] => {
    const w = metricWhere(r);
    const nodeSql = node === undefined ? '' : ' and node_id = ?';
    return prep<(string | number)[], MetricRow>(`select node_id, metric, label, sum(count) n from metrics where ${w.sql}${nodeSql} group by node_id, metric, label`).all(
      ...w.args,
      ...(node === undefined ? [] : [node]),
    );
  };

  const gauges = (r: AnalyticsRange): Map<string, number> => {
    const rows = prep<(string | number)[], { node_id: string; n: number }>(
      `select g.node_id, sum(g.active) n from node_gauges g join journey_versions v on v.id = g.version_id
         where v.journey_id = ?${r.version === undefined ? '' : ' and v.version = ?'} group by g.node_id`,
    ).all(...(r.version === undefined ? [r.journeyId] : [r.journeyId, r.version]));
    return new Map(rows.map((x) => [x.node_id, x.n]));
  };

  /** The machines in range: the one version, or all of them (newest last). */
  function machines(r: AnalyticsRange): { version: number; machine: CompiledJourney }[] {
    if (!exists.get(r.journeyId)) throw notFound('journey', r.journeyId);
    return versionsOf
      .all(r.journeyId)
      .filter((v) => r.version === undefined || v.version === r.version)
      .map((v) => ({ version: v.version, machine: machineOf(v) }));
  }

  /** node id → what it sends (channel and template), over the versions in range (a newer version wins). */
  function channels(ms: readonly { machine: CompiledJourney }[]): Map<string, { channel: Channel; template: string }> {
    const out = new Map<string, { channel: Channel; template: string }>();
    for (const { machine } of ms)
      for (const [id, n] of Object.entries(machine.nodes)) {
        const message = kindDef(n.kind).sends?.(n.config);
        if (message) out.set(id, message);
      }
    return out;
  }

  /** Distinct contacts credited with `goal` at any of `nodes`, in range (days by the goal event's time, as the metrics are). */
  const convertedThrough = (r: AnalyticsRange, goal: string, nodes: readonly string[]): number => {
    const parts = ['journey_id = ?', 'goal = ?', 'node_id in (select value from json_each(?))'];
    const args: (string | number)[] = [r.journeyId, goal, JSON.stringify(nodes)];
    const and = (clause: string, arg: string | number) => {
      parts.push(clause);
      args.push(arg);
    };
    if (r.version !== undefined) and('version = ?', r.version);
    if (r.from) and('at >= ?', utcDayStart(r.from));
    if (r.to) and('at < ?', utcDayStart(r.to) + DAY);
    return prep<(string | number)[], { n: number }>(`select count(distinct contact_id) n from conversions where ${parts.join(' and ')}`).get(...args)?.n ?? 0;
  };

  /** The newest version's first random split with a holdout arm: where uplift is measured. */
  const holdoutSplit = (ms: readonly { machine: CompiledJourney }[]): { nodeId: string; title: string; percent: number } | null => {
    const n = Object.values(ms[ms.length - 1]?.machine.nodes ?? {}).find((x) => x.kind === 'split.random' && Number(x.config.holdout) > 0);
    return n ? { nodeId: n.id, title: n.title, percent: Number(n.config.holdout) } : null;
  };

  const primaryGoal = (ms: readonly { machine: CompiledJourney }[]): string | null => ms[ms.length - 1]?.machine.settings.goals[0]?.event ?? null;

  function nodeNumbers(rows: readonly MetricRow[], waiting: Map<string, number>, goal: string | null): Record<string, NodeNumbers> {
    const nodes: Record<string, NodeNumbers> = {};
    const at = (id: string) => (nodes[id] ??= emptyNode());
    for (const r of rows) {
      const n = at(r.node_id);
      switch (r.metric) {
        case 'entered':
        case 'queued':
        case 'sent':
        case 'delivered':
        case 'failed':
        case 'clicked':
        case 'holdout':
          n[r.metric] += r.n;
          break;
        case 'dead':
          n.failed += r.n;
          break;
        case 'exited':
          n.exited += r.n;
          add(n.exitReasons, r.label, r.n);
          break;
        case 'suppressed':
        case 'deferred':
          add(n[r.metric], r.label, r.n);
          break;
        case 'reached':
          add(n.reached, r.label, r.n);
          break;
        default:
          break; // edges, per-variant and cost counters are read by their own views
      }
    }
    for (const [id, w] of waiting) if (w !== 0) at(id).waiting = w;
    for (const n of Object.values(nodes)) {
      n.converted = goal === null ? 0 : (n.reached[goal] ?? 0);
      n.conversionRate = n.entered > 0 && goal !== null ? n.converted / n.entered : null;
    }
    return nodes;
  }

  return {
    /** Every node's numbers and every port's count, for the canvas overlay. */
    journeyOverlay(r: AnalyticsRange) {
      const ms = machines(r);
      const rows = metricRows(r);
      const goal = primaryGoal(ms);
      const edges: Record<string, number> = {};
      for (const x of rows) if (x.metric === 'edge') add(edges, `${x.node_id}\u0000${x.label}`, x.n);
      return {
        journeyId: r.journeyId,
        versions: versionsOf.all(r.journeyId).map((v) => v.version),
        version: r.version ?? null,
        from: r.from ?? null,
        to: r.to ?? null,
        goal,
        nodes: nodeNumbers(rows, gauges(r), goal),
        /** contacts who left `source` by `port` */
        edges: Object.entries(edges).map(([k, count]) => {
          const [source, port] = k.split('\u0000') as [string, string];
          return { source, port, count };
        }),
      };
    },

    /** One node's recipients through the journey's funnel, split by variant, with what it cost and who they are. */
    nodeFunnel(r: AnalyticsRange & { nodeId: string }) {
      const ms = machines(r);
      const rows = metricRows(r, r.nodeId);
      const latest = ms[ms.length - 1]?.machine;
      const funnel = latest ? trackedSteps(latest.settings) : [];
      const sum = (metric: string, label?: string) => rows.filter((x) => x.metric === metric && (label === undefined || x.label === label)).reduce((s, x) => s + x.n, 0);
      const send = channels(ms).get(r.nodeId) ?? null;
      const windowDays = latest?.settings.goals[0]?.windowDays ?? 7;
      // the first bar is the node's counter, as on the canvas: its entries, or at a send node its sends
      const steps = funnelSteps.steps(r, r.nodeId, send, funnel, send ? sum('sent') : sum('entered'));
      const variants = [...new Set(rows.filter((x) => x.metric === 'sent_variant').map((x) => x.label))].sort();
      const goal = primaryGoal(ms);
      const byVariant = variants.map((v) => {
        const vs = sum('sent_variant', v);
        const clicked = sum('clicked_variant', v);
        const reached = Object.fromEntries(funnel.map((e) => [e, sum('reached_variant', `${e}|${v}`)]));
        const converted = goal ? (reached[goal] ?? 0) : 0;
        return { variant: v, sent: vs, clicked, reached, converted, clickRate: vs ? clicked / vs : null, conversionRate: vs ? converted / vs : null };
      });
      const converted = goal ? sum('reached', goal) : 0;
      const units = sum('cost_units');
      const cost = send ? costOf(send.channel, units, prices()) : 0;
      const sample = send
        ? c
            .prepare<[string, string, number], { external_id: string | null; variant: string | null; status: string; created_at: number }>(
              `select k.external_id, m.variant, m.status, m.created_at from messages m join contacts k on k.id = m.contact_id
               where m.journey_id = ? and m.node_id = ? order by m.created_at desc, m.id desc limit ?`,
            )
            .all(r.journeyId, r.nodeId, 12)
        : c
            .prepare<[string, string, number], { external_id: string | null; variant: string | null; status: string; created_at: number }>(
              `select k.external_id, null variant, r.status, r.node_entered_at created_at from runs r join contacts k on k.id = r.contact_id
               where r.journey_id = ? and r.node_id = ? and r.status <> 'exited' limit ?`,
            )
            .all(r.journeyId, r.nodeId, 12);
      const split = ms[ms.length - 1]?.machine.nodes[r.nodeId];
      return {
        nodeId: r.nodeId,
        title: split?.title ?? r.nodeId,
        /** the node's holdout %, when it is a random split with a holdout arm (the panel then shows the uplift) */
        holdout: split?.kind === 'split.random' && Number(split.config.holdout) > 0 ? Number(split.config.holdout) : null,
        channel: send?.channel ?? null,
        template: send?.template ?? null,
        goal,
        /** sent (or entered) → clicked → the tracked events in business order, each within the last (see `rule`) */
        steps,
        rule: funnelRule(windowDays),
        /** the attribution window `rule` words, for a client to word it in its own language */
        windowDays,
        byVariant,
        cost: { units, total: cost, perConversion: costPer(cost, converted) },
        sample: sample.map((s) => ({ externalId: s.external_id, variant: s.variant, status: s.status, at: s.created_at })),
      };
    },

    /** The journey at a glance: entries, who is in it now, exits, and per channel what was sent, what converted and at what cost. */
    journeySummary(r: AnalyticsRange) {
      const ms = machines(r);
      const rows = metricRows(r);
      const goal = primaryGoal(ms);
      const entry = ms[ms.length - 1]?.machine.entry ?? null;
      const send = channels(ms);
      const byChannel = new Map<Channel, { sent: number; delivered: number; clicked: number; converted: number; loans: number | null; units: number }>();
      // revenue comes from drawn loans, credited like any tracked event: only when the journey tracks them
      const latest = ms[ms.length - 1]?.machine;
      const tracksLoans = !!latest && [...(latest.settings.funnel ?? []), ...latest.settings.goals.map((g) => g.event)].includes(loanEvent);
      const exits: Record<string, number> = {};
      const reached: Record<string, number> = {};
      let entered = 0;
      for (const x of rows) {
        if (x.metric === 'entered' && x.node_id === entry) entered += x.n;
        if (x.metric === 'exited') add(exits, x.label, x.n);
        if (x.metric === 'reached' && x.node_id === entry) add(reached, x.label, x.n);
        const ch = send.get(x.node_id)?.channel;
        if (!ch) continue;
        const b = byChannel.get(ch) ?? { sent: 0, delivered: 0, clicked: 0, converted: 0, loans: null, units: 0 };
        if (x.metric === 'sent' || x.metric === 'delivered' || x.metric === 'clicked') b[x.metric] += x.n;
        if (x.metric === 'cost_units') b.units += x.n;
        byChannel.set(ch, b);
      }
      // a contact who passed two SMS nodes and converted is one SMS conversion, not two: count people
      for (const [ch, b] of byChannel) {
        const nodes = [...send].filter(([, s]) => s.channel === ch).map(([id]) => id);
        b.converted = goal === null ? 0 : convertedThrough(r, goal, nodes);
        b.loans = tracksLoans ? convertedThrough(r, loanEvent, nodes) : null;
      }
      const assumptions = roi();
      let active = 0;
      for (const n of gauges(r).values()) active += n;
      return {
        journeyId: r.journeyId,
        goal,
        /** the split whose holdout measures the journey's uplift, if it has one */
        holdoutSplit: holdoutSplit(ms),
        entered,
        active,
        exits,
        /** contacts who did each tracked event after entering (credited at the entry node) */
        reached,
        /** the average first loan and margin revenue is computed at; null until an admin sets them */
        roi: assumptions,
        /**
         * Per channel: what it sent and cost, its goal conversions and drawn loans (attributed: a contact
         * who got any of its messages within the window; not incremental, see the uplift for that), and
         * with the ROI settings the revenue of those loans and (revenue − cost) / cost.
         */
        byChannel: [...byChannel.entries()].map(([channel, b]) => {
          const cost = costOf(channel, b.units, prices());
          return { channel, ...b, cost, costPerConversion: costPer(cost, b.converted), ...(b.loans === null ? { revenue: null, roi: null } : roiOf(cost, b.loans, assumptions)) };
        }),
      };
    },
  };
}

export type Analytics = ReturnType<typeof createAnalytics>;
