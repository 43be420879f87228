import type { Db } from '../db/client';
import { createAnalytics } from '../services/analytics';
import { kindDef } from '../../shared/journey/registry';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { Channel } from '../../shared/journey/channels';
import type { BacktestNode, BacktestRun, ChannelFigures, Comparison } from '../../shared/backtest/result';

const total = (r: Record<string, number>): number => Object.values(r).reduce((s, n) => s + n, 0);

/**
 * A replay's figures, read from the copy by the same analytics that draw the
 * live overlay (`journeyOverlay`, `journeySummary`): the replay wrote the same
 * counters a live engine writes, so a node's backtest numbers mean what its
 * live numbers mean.
 */
export function reportRun(db: Db, journeyId: string, version: number, machine: CompiledJourney, label: string, took: { ticks: number; seconds: number }): BacktestRun {
  const analytics = createAnalytics(db);
  const overlay = analytics.journeyOverlay({ journeyId, version });
  const summary = analytics.journeySummary({ journeyId, version });
  const nodes: Record<string, BacktestNode> = {};
  for (const [id, m] of Object.entries(machine.nodes)) {
    const n = overlay.nodes[id];
    const channel = kindDef(m.kind).sends?.(m.config)?.channel ?? null;
    const node: BacktestNode = {
      entered: n?.entered ?? 0,
      waiting: n?.waiting ?? 0,
      exited: n?.exited ?? 0,
      exitReasons: n?.exitReasons ?? {},
      channel,
      sent: n?.sent ?? 0,
      withheld: n?.suppressed ?? {},
      deferred: n?.deferred ?? {},
      reached: n?.reached ?? {},
      converted: n?.converted ?? 0,
      conversionRate: n?.conversionRate ?? null,
    };
    nodes[id] = node;
  }
  return {
    label,
    version: label === 'draft' ? null : version,
    entered: summary.entered,
    nodes,
    edges: overlay.edges,
    byChannel: channelFigures(nodes),
    goals: summary.reached,
    exits: summary.exits,
    ticks: took.ticks,
    seconds: took.seconds,
  };
}

/** The nodes' sends added up per channel, in the nodes' order. */
function channelFigures(nodes: Record<string, BacktestNode>): ChannelFigures[] {
  const byChannel = new Map<Channel, ChannelFigures>();
  for (const node of Object.values(nodes)) {
    if (!node.channel) continue;
    const c = byChannel.get(node.channel) ?? { channel: node.channel, sent: 0, withheld: 0, deferred: 0 };
    c.sent += node.sent;
    c.withheld += total(node.withheld);
    c.deferred += total(node.deferred);
    byChannel.set(node.channel, c);
  }
  return [...byChannel.values()];
}

/** `into[k] += from[k]` for every key of `from`. */
function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  return into;
}

/**
 * One version's replays of disjoint shares of the contacts as one run: every
 * figure counts contacts, runs or messages, so the whole's is the sum of the
 * shares' (a goal's `reached` counts distinct contacts, and no contact is in
 * two shares); the conversion rate is worked out again from the sums, as the
 * overlay works it out (converted ÷ entered, when the journey has a goal).
 * The ticks and the time are the slowest share's (they ran side by side).
 */
export function mergeRuns(shares: readonly BacktestRun[], goal: string | null): BacktestRun {
  const [first, ...rest] = shares;
  if (!first) throw new Error('no share to merge');
  if (rest.length === 0) return first;
  const nodes: Record<string, BacktestNode> = {};
  const edges = new Map<string, { source: string; port: string; count: number }>();
  const goals: Record<string, number> = {};
  const exits: Record<string, number> = {};
  for (const s of shares) {
    for (const [id, n] of Object.entries(s.nodes)) {
      const m = (nodes[id] ??= { ...n, entered: 0, waiting: 0, exited: 0, exitReasons: {}, sent: 0, withheld: {}, deferred: {}, reached: {}, converted: 0, conversionRate: null });
      m.entered += n.entered;
      m.waiting += n.waiting;
      m.exited += n.exited;
      m.sent += n.sent;
      m.converted += n.converted;
      addCounts(m.exitReasons, n.exitReasons);
      addCounts(m.withheld, n.withheld);
      addCounts(m.deferred, n.deferred);
      addCounts(m.reached, n.reached);
    }
    for (const e of s.edges) {
      const k = `${e.source}\u0000${e.port}`;
      const x = edges.get(k);
      if (x) x.count += e.count;
      else edges.set(k, { ...e });
    }
    addCounts(goals, s.goals);
    addCounts(exits, s.exits);
  }
  for (const n of Object.values(nodes)) n.conversionRate = n.entered > 0 && goal !== null ? n.converted / n.entered : null;
  return {
    label: first.label,
    version: first.version,
    entered: shares.reduce((t, s) => t + s.entered, 0),
    nodes,
    // in the overlay's order: by node, then port
    edges: [...edges.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e),
    byChannel: channelFigures(nodes),
    goals,
    exits,
    ticks: Math.max(...shares.map((s) => s.ticks)),
    seconds: Math.max(...shares.map((s) => s.seconds)),
  };
}

/** Draft against live over the same window and people: entries, messages sent per channel, the first goal. */
export function compareRuns(draft: BacktestRun, live: BacktestRun, goal: string | null): Comparison[] {
  const change = (d: number, l: number) => (l === 0 ? null : (d - l) / l);
  const row = (what: string, d: number, l: number): Comparison => ({ what, draft: d, live: l, change: change(d, l) });
  const channels = [...new Set([...draft.byChannel, ...live.byChannel].map((c) => c.channel))];
  const sentOn = (r: BacktestRun, ch: Channel) => r.byChannel.find((c) => c.channel === ch)?.sent ?? 0;
  return [
    row('entered', draft.entered, live.entered),
    ...channels.map((ch) => row(`${ch} sent`, sentOn(draft, ch), sentOn(live, ch))),
    ...(goal ? [row(`reached ${goal}`, draft.goals[goal] ?? 0, live.goals[goal] ?? 0)] : []),
  ];
}
