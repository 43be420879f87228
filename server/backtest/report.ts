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
  const byChannel = new Map<Channel, ChannelFigures>();
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
    if (channel) {
      const c = byChannel.get(channel) ?? { channel, sent: 0, withheld: 0, deferred: 0 };
      c.sent += node.sent;
      c.withheld += total(node.withheld);
      c.deferred += total(node.deferred);
      byChannel.set(channel, c);
    }
  }
  return {
    label,
    version: label === 'draft' ? null : version,
    entered: summary.entered,
    nodes,
    edges: overlay.edges,
    byChannel: [...byChannel.values()],
    goals: summary.reached,
    exits: summary.exits,
    ticks: took.ticks,
    seconds: took.seconds,
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
