import type { Translate } from '../i18n/useT';
import { msg } from '../i18n/messageIds';
import type { BacktestResult, BacktestRun } from '../../shared/backtest/result';
import type { Comparison } from '../../shared/backtest/result';
import { Channel } from '../../shared/journey/channels';
import { channelMessages } from '../i18n/registryMessages';
import type { NodeOverlay } from '../store/slices/overlaySlice';

const total = (r: Record<string, number>): number => Object.values(r).reduce((s, n) => s + n, 0);

/**
 * A backtest run as the canvas draws it: per node its entries, sends, what
 * the policy withheld, exits and goal, each marked as a backtest's (the node
 * then draws them in the backtest colour); per edge id of the canvas, how
 * many took it.
 */
export function backtestToCanvas(
  run: BacktestRun,
  edges: readonly { id: string; source: string; sourceHandle?: string | null }[],
): { nodes: Record<string, NodeOverlay>; edges: Record<string, number> } {
  const nodes: Record<string, NodeOverlay> = {};
  for (const [id, n] of Object.entries(run.nodes))
    nodes[id] = {
      entered: n.entered,
      waiting: n.waiting,
      ...(n.channel ? { sent: n.sent } : {}),
      converted: n.converted,
      conversionRate: n.conversionRate,
      backtest: { withheld: total(n.withheld), exited: n.exited },
    };
  const byPort = new Map(run.edges.map((e) => [`${e.source}\u0000${e.port}`, e.count]));
  const counts: Record<string, number> = {};
  for (const e of edges) counts[e.id] = byPort.get(`${e.source}\u0000${e.sourceHandle ?? 'next'}`) ?? 0;
  return { nodes, edges: counts };
}

/** Is the canvas showing a backtest's numbers (rather than live ones, or none)? */
export const showsBacktest = (overlay: Record<string, NodeOverlay> | null): boolean => overlay !== null && Object.values(overlay).some((n) => n.backtest !== undefined);

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The legend that keeps backtest numbers from being read as live ones:
 * "Backtest over 2026-11-20 … 12-04, not live" (UTC days, the last one the
 * window reaches; the year again only when it changes).
 */
export function backtestLegend(t: Translate, from: number, to: number): string {
  const first = day(from);
  const last = day(Math.max(from, to - 1));
  const end = last.slice(0, 4) === first.slice(0, 4) ? last.slice(5) : last;
  return t('backtest.legend', { first, end });
}

/**
 * What a comparison row measures, in the reader's language. The report names
 * its rows by a fixed form (server/backtest/report.ts: `entered`,
 * `<channel> sent`, `reached <goal>`), read back here rather than adding
 * fields to the stored result, whose bytes the backtest's benchmark compares.
 */
export function measureText(t: Translate, what: string): string {
  if (what === 'entered') return t('backtest.measure', { measure: 'entered', channel: '', goal: '' });
  const sent = /^(\w+) sent$/.exec(what);
  const ch = Channel.safeParse(sent?.[1]);
  if (ch.success) return t('backtest.measure', { measure: 'sent', channel: t(channelMessages[ch.data]), goal: '' });
  const goal = /^reached (.+)$/.exec(what)?.[1];
  if (goal !== undefined) return t('backtest.measure', { measure: 'reached', channel: '', goal });
  return what;
}

/** One row against the live version: "SMS sent: 18% fewer than v3", "短信发送：比 v3 少 18%". */
export function comparisonText(t: Translate, c: Comparison, live: string): string {
  const what = measureText(t, c.what);
  const pct = c.change === null ? 0 : Math.round(Math.abs(c.change) * 100);
  const kind = c.change === null ? (c.draft === 0 ? 'none' : 'only') : pct === 0 ? 'same' : c.change < 0 ? 'fewer' : 'more';
  return t('backtest.compare', { what, kind, draft: c.draft, live, pct });
}

/** The comparison with the live version in words, the figures that changed first. */
export function comparisonLines(t: Translate, r: BacktestResult): string[] {
  if (!r.live) return [];
  const label = r.live.label;
  return [...r.comparison].sort((a, b) => Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0)).map((c) => comparisonText(t, c, label));
}

const phaseMessages: Record<string, string> = { starting: msg('backtest.phase.starting'), copying: msg('backtest.phase.copying') };

/** A running backtest's phase as the server names it (`starting`, `copying`, `replaying <draft|vN>`), in the reader's language. */
export function phaseText(t: Translate, phase: string | null): string {
  if (phase === null) return '';
  const id = phaseMessages[phase];
  if (id) return t(id);
  const replaying = /^replaying (.+)$/.exec(phase)?.[1];
  if (replaying === undefined) return phase;
  return replaying === 'draft' ? t('backtest.phase.replayingDraft') : t('backtest.phase.replaying', { version: replaying });
}
