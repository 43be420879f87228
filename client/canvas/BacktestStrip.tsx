import type { NodeOverlay } from '../store/slices/overlaySlice';
import { formatCount, formatPercent } from '../format';

/**
 * A backtest's numbers under a node (the draft replayed over past events), in
 * the backtest colour and marked as such, so nobody reads them as live
 * numbers: entered, sent (send nodes), withheld by the contact policy, left
 * here, and the goal reached.
 */
export function BacktestStrip({ overlay, backtest }: { overlay: NodeOverlay; backtest: NonNullable<NodeOverlay['backtest']> }) {
  return (
    <dl className="jn__overlay jn__overlay--backtest" aria-label="Backtest numbers" title="Backtest: the draft replayed over past events, not live numbers">
      <div>
        <dt>entered</dt>
        <dd>{formatCount(overlay.entered)}</dd>
      </div>
      {overlay.sent !== undefined && (
        <div>
          <dt>sent</dt>
          <dd>{formatCount(overlay.sent)}</dd>
        </div>
      )}
      {overlay.sent !== undefined && (
        <div>
          <dt>withheld</dt>
          <dd>{formatCount(backtest.withheld)}</dd>
        </div>
      )}
      {backtest.exited > 0 && (
        <div>
          <dt>exits</dt>
          <dd>{formatCount(backtest.exited)}</dd>
        </div>
      )}
      <div>
        <dt>goal</dt>
        <dd>
          {formatCount(overlay.converted)} <span className="jn__rate">{formatPercent(overlay.conversionRate)}</span>
        </dd>
      </div>
    </dl>
  );
}
