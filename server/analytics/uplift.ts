import type { Db } from '../db/client';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { ContactPolicy } from '../../shared/policy/policy';
import { costOf, unitPrice, type UnitPrices } from '../../shared/analytics/cost';
import { uplift, type Uplift } from '../../shared/analytics/stats';
import { stepLabel, trackedSteps } from '../../shared/analytics/funnel';
import { metricWhere } from './metricRange';
import { inGlobalControl } from '../../shared/analytics/globalControl';
import { kindDef } from '../../shared/journey/registry';
import { DAY, utcDayStart } from '../../shared/util/time';
import { notFound, refuse } from '../services/errors';

export interface UpliftRange {
  journeyId: string;
  /** one version; all versions when absent */
  version?: number | undefined;
  /** UTC days, inclusive, `YYYY-MM-DD`: the cohort of contacts who passed the split (or entered the journey) on those days */
  from?: string | undefined;
  to?: string | undefined;
}

/** One funnel step, treated vs the arm that got nothing. */
export interface UpliftStep extends Uplift {
  event: string;
  label: string;
}

export interface UpliftReport {
  journeyId: string;
  /** the split node compared (holdout), or null against the global control group */
  nodeId: string | null;
  /** `holdout`: the split's holdout arm; `global_control`: the workspace's global control group */
  against: 'holdout' | 'global_control';
  /** the share held out, % */
  percent: number;
  /** conversions count within this many days after the contact passed the node (the journey's attribution window) */
  windowDays: number;
  treated: number;
  control: number;
  /** contacts in the workspace's global control group left out of both arms (they got no marketing either way) */
  excludedGlobalControl: number;
  /** what the treated arm's messages cost, yuan (the control arm's cost nothing) */
  cost: number;
  steps: UpliftStep[];
}

interface Version {
  id: number;
  version: number;
  machine: CompiledJourney;
}

/**
 * Uplift over a holdout: per funnel step, the treated arm's conversion rate
 * against the arm that got nothing, with Newcombe and Katz intervals, the
 * p-value, incremental conversions and their cost (shared/analytics/stats.ts).
 *
 * Who is in each arm comes from the counters the runner writes with every
 * step (a split's `edge` and `holdout` metrics), so a journey's uplift costs
 * a few rows whatever its size; who converted comes from `conversions`,
 * which the event router credits to every node a contact visited within the
 * journey's attribution window, holdout or not: the same rule for both arms.
 * With a global control group its members, who got no marketing in either
 * arm, are left out of both; the arms are then counted from the runs.
 * A reconciliation test proves both equal the raw runs.
 *
 * Against the global control group there is no counter (membership is a hash
 * of the contact id, applied at send time), so the arms are counted from the
 * journey's runs: one scan of them per call.
 */
export function createUplift(db: Db, deps: { prices?: () => UnitPrices; policy: () => ContactPolicy }) {
  const c = db.$client;
  const prices = deps.prices ?? (() => unitPrice);
  const versionsOf = c.prepare<[string], { id: number; version: number; machine: string }>('select id, version, machine from journey_versions where journey_id = ? order by version');
  const exists = c.prepare<[string], { one: number }>('select 1 one from journeys where id = ?');

  function versions(r: UpliftRange): Version[] {
    if (!exists.get(r.journeyId)) throw notFound('journey', r.journeyId);
    return versionsOf
      .all(r.journeyId)
      .filter((v) => r.version === undefined || v.version === r.version)
      .map((v) => ({ id: v.id, version: v.version, machine: JSON.parse(v.machine) as CompiledJourney }));
  }

  const latest = (vs: readonly Version[]) => vs[vs.length - 1]?.machine;
  const stepsOf = (m: CompiledJourney | undefined) => (m ? trackedSteps(m.settings) : []);
  const windowOf = (m: CompiledJourney | undefined) => m?.settings.goals[0]?.windowDays ?? 7;

  const timeBounds = (r: UpliftRange): [number, number] => [r.from ? utcDayStart(r.from) : 0, r.to ? utcDayStart(r.to) + DAY : Number.MAX_SAFE_INTEGER];

  const sumMetric = (r: UpliftRange, nodes: readonly string[], metric: string): number => {
    const w = metricWhere(r);
    return (
      c
        .prepare<(string | number)[], { n: number }>(`select coalesce(sum(count), 0) n from metrics where ${w.sql} and metric = ? and node_id in (select value from json_each(?))`)
        .get(...w.args, metric, JSON.stringify(nodes))?.n ?? 0
    );
  };

  /** What the messages of `nodes` cost, at the workspace's prices. */
  function costOfNodes(r: UpliftRange, vs: readonly Version[], nodes: ReadonlySet<string>): number {
    let total = 0;
    for (const id of nodes) {
      const send = vs
        .map((v) => v.machine.nodes[id])
        .reverse()
        .map((n) => (n ? kindDef(n.kind).sends?.(n.config) : undefined))
        .find(Boolean);
      if (send) total += costOf(send.channel, sumMetric(r, [id], 'cost_units'), prices());
    }
    return Math.round(total * 100) / 100;
  }

  /** Every node reachable from `from`'s ports (not `from` itself), over the versions in range. */
  function downstream(vs: readonly Version[], from: string): Set<string> {
    const seen = new Set<string>();
    const queue = vs.flatMap((v) => Object.values(v.machine.nodes[from]?.next ?? {}));
    while (queue.length) {
      const id = queue.pop() as string;
      if (seen.has(id) || id === from) continue;
      seen.add(id);
      for (const v of vs) queue.push(...Object.values(v.machine.nodes[id]?.next ?? {}));
    }
    return seen;
  }

  const report = (base: Omit<UpliftReport, 'steps'>, steps: readonly string[], converted: (event: string) => { treated: number; control: number }): UpliftReport => ({
    ...base,
    steps: steps.map((event) => {
      const x = converted(event);
      return { event, label: stepLabel(event), ...uplift({ x: x.treated, n: base.treated }, { x: x.control, n: base.control }, { cost: base.cost }) };
    }),
  });

  return {
    /** The journey's split nodes with a holdout arm (newest version's), for the canvas to offer. */
    holdoutNodes(journeyId: string): { nodeId: string; title: string; percent: number }[] {
      const m = latest(versions({ journeyId }));
      return Object.values(m?.nodes ?? {})
        .filter((n) => n.kind === 'split.random' && Number(n.config.holdout) > 0)
        .map((n) => ({ nodeId: n.id, title: n.title, percent: Number(n.config.holdout) }));
    },

    /**
     * Treated vs holdout at the split `nodeId` (the journey's first split
     * with a holdout when absent). Arms: contacts who left the split by any
     * arm, and those it held out, on the days in range.
     */
    holdout(r: UpliftRange & { nodeId?: string | undefined }): UpliftReport {
      const vs = versions(r);
      const m = latest(vs);
      const splits = Object.values(m?.nodes ?? {}).filter((n) => n.kind === 'split.random' && Number(n.config.holdout) > 0);
      const split = r.nodeId === undefined ? splits[0] : splits.find((n) => n.id === r.nodeId);
      if (!split) {
        if (r.nodeId !== undefined && m?.nodes[r.nodeId]) throw refuse('BAD_REQUEST', 'uplift_not_holdout_node', { node: r.nodeId });
        throw r.nodeId === undefined ? refuse('BAD_REQUEST', 'uplift_no_holdout', { journey: r.journeyId }) : notFound('node', r.nodeId);
      }
      const nodeId = split.id;
      const [from, to] = timeBounds(r);
      // a conversion at the split, by the arm of the run that passed it on a day in range
      const converted = c.prepare<[string, string, string, string, number | null, number | null, number, number], { held: number; contact_id: number }>(
        `select (r.status = 'exited' and r.exit_reason = 'holdout' and r.node_id = ?) held, cv.contact_id
         from conversions cv join runs r on r.id = cv.run_id
         where cv.journey_id = ? and cv.node_id = ? and cv.goal = ? and (? is null or cv.version = ?)
           and exists (select 1 from json_each(r.path) p where p.value ->> 0 = cv.node_id and p.value ->> 2 >= ? and p.value ->> 2 < ?)`,
      );
      // with a global control group, its members got no marketing in either arm: they would dilute the
      // treated arm, so both arms leave them out, counted from the runs (the counters do not know them)
      const gc = deps.policy().globalControl ?? 0;
      const out = (contactId: number) => gc > 0 && inGlobalControl(contactId, gc);
      let arms = { treated: sumMetric(r, [nodeId], 'edge'), control: sumMetric(r, [nodeId], 'holdout'), excluded: 0 };
      if (gc > 0) {
        arms = { treated: 0, control: 0, excluded: 0 };
        const passes = c
          .prepare<[string, string, string, string, number, number], { held: number; contact_id: number }>(
            `select (r.status = 'exited' and r.exit_reason = 'holdout' and r.node_id = ?) held, r.contact_id from runs r
             where r.journey_id = ? and r.version_id in (select value from json_each(?))
               and exists (select 1 from json_each(r.path) p where p.value ->> 0 = ? and p.value ->> 2 >= ? and p.value ->> 2 < ?)`,
          )
          .all(nodeId, r.journeyId, JSON.stringify(vs.map((v) => v.id)), nodeId, from, to);
        for (const x of passes) {
          if (out(x.contact_id)) arms.excluded++;
          else if (x.held) arms.control++;
          else arms.treated++;
        }
      }
      return report(
        {
          journeyId: r.journeyId,
          nodeId,
          against: 'holdout',
          percent: Number(split.config.holdout),
          windowDays: windowOf(m),
          treated: arms.treated,
          control: arms.control,
          excludedGlobalControl: arms.excluded,
          cost: costOfNodes(r, vs, downstream(vs, nodeId)),
        },
        stepsOf(m),
        (event) => {
          const n = { treated: 0, control: 0 };
          for (const x of converted.all(nodeId, r.journeyId, nodeId, event, r.version ?? null, r.version ?? null, from, to)) if (!out(x.contact_id)) n[x.held ? 'control' : 'treated']++;
          return n;
        },
      );
    },

    /**
     * The journey's entrants in the workspace's global control group against
     * the rest (entries on the days in range), at the share set now; null when
     * the workspace has no global control group.
     */
    globalControl(r: UpliftRange): UpliftReport | null {
      const percent = deps.policy().globalControl ?? 0;
      if (percent <= 0) {
        versions(r); // still a clear error for an unknown journey
        return null;
      }
      const vs = versions(r);
      const m = latest(vs);
      const [from, to] = timeBounds(r);
      const ids = JSON.stringify(vs.map((v) => v.id));
      const entrants = c
        .prepare<[string, string, number, number], { contact_id: number }>(
          `select contact_id from runs where journey_id = ? and version_id in (select value from json_each(?)) and entered_at >= ? and entered_at < ?`,
        )
        .all(r.journeyId, ids, from, to);
      let control = 0;
      for (const e of entrants) if (inGlobalControl(e.contact_id, percent)) control++;
      const entry = m?.entry ?? '';
      const converted = c.prepare<[string, string, string, string, number, number], { contact_id: number }>(
        `select cv.contact_id from conversions cv join runs r on r.id = cv.run_id
         where cv.journey_id = ? and cv.node_id = ? and cv.goal = ? and r.version_id in (select value from json_each(?)) and r.entered_at >= ? and r.entered_at < ?`,
      );
      return report(
        {
          journeyId: r.journeyId,
          nodeId: null,
          against: 'global_control',
          percent,
          windowDays: windowOf(m),
          treated: entrants.length - control,
          control,
          excludedGlobalControl: 0,
          cost: costOfNodes(r, vs, new Set(vs.flatMap((v) => Object.keys(v.machine.nodes)))),
        },
        stepsOf(m),
        (event) => {
          let held = 0;
          const rows = converted.all(r.journeyId, entry, event, ids, from, to);
          for (const x of rows) if (inGlobalControl(x.contact_id, percent)) held++;
          return { treated: rows.length - held, control: held };
        },
      );
    },
  };
}

export type UpliftService = ReturnType<typeof createUplift>;
