import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';
import type { NodeOverlay } from '../store/slices/overlaySlice';
import { NumbersStrip, type NumbersRow } from './NumbersStrip';

/**
 * A backtest's numbers under a node (the draft replayed over past events), in
 * the backtest colour and marked as such, so nobody reads them as live
 * numbers: entered, sent (send nodes), withheld by the contact policy, left
 * here, and the goal reached.
 */
export function BacktestStrip({ overlay, backtest }: { overlay: NodeOverlay; backtest: NonNullable<NodeOverlay['backtest']> }) {
  const t = useT();
  const rows: NumbersRow[] = [
    { term: msg('numbers.entered'), count: overlay.entered },
    ...(overlay.sent !== undefined
      ? [
          { term: msg('numbers.sent'), count: overlay.sent },
          { term: msg('numbers.withheld'), count: backtest.withheld },
        ]
      : []),
    ...(backtest.exited > 0 ? [{ term: msg('numbers.exits'), count: backtest.exited }] : []),
    { term: msg('numbers.goal'), count: overlay.converted, rate: overlay.conversionRate },
  ];
  return <NumbersStrip className="jn__overlay jn__overlay--backtest" label={t('numbers.backtest')} title={t('numbers.backtest.title')} rows={rows} />;
}
