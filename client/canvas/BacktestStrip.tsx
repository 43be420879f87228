import type { NodeOverlay } from '../store/slices/overlaySlice';
import { NumbersStrip, type NumbersRow } from './NumbersStrip';

/**
 * A backtest's numbers under a node (the draft replayed over past events), in
 * the backtest colour and marked as such, so nobody reads them as live
 * numbers: entered, sent (send nodes), withheld by the contact policy, left
 * here, and the goal reached.
 */
export function BacktestStrip({ overlay, backtest }: { overlay: NodeOverlay; backtest: NonNullable<NodeOverlay['backtest']> }) {
  const rows: NumbersRow[] = [
    { term: 'entered', count: overlay.entered },
    ...(overlay.sent !== undefined
      ? [
          { term: 'sent', count: overlay.sent },
          { term: 'withheld', count: backtest.withheld },
        ]
      : []),
    ...(backtest.exited > 0 ? [{ term: 'exits', count: backtest.exited }] : []),
    { term: 'goal', count: overlay.converted, rate: overlay.conversionRate },
  ];
  return <NumbersStrip className="jn__overlay jn__overlay--backtest" label="Backtest numbers" title="Backtest: the draft replayed over past events, not live numbers" rows={rows} />;
}
