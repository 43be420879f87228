import { useT } from '../i18n/useT';
import { useState, type ReactNode } from 'react';
import { FlaskConical, X } from 'lucide-react';
import type { BacktestState } from './useBacktest';
import { backtestLegend, comparisonLines, phaseText } from './backtestOverlay';
import { channelMessages } from '../i18n/registryMessages';
import { formatCount } from '../format';

const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The backtest bar over the canvas: operators pick a past window (the last 14
 * days unless told) and run the draft over it; while it runs, its progress and
 * Cancel; once done, a switch to show its numbers on the canvas, the legend
 * that says they are not live, and how the draft compares with the live
 * version over the same window. Everyone may show a finished one.
 */
export function BacktestControls({ backtest, canRun, onShow, now = Date.now(), children }: { backtest: BacktestState; canRun: boolean; onShow: () => void; now?: number; children?: ReactNode }) {
  const t = useT();
  const [from, setFrom] = useState(() => isoDay(now - 14 * DAY));
  const [to, setTo] = useState(() => isoDay(now));
  const b = backtest.latest;
  const running = b?.status === 'running';
  const result = b?.status === 'done' ? b.result : null;
  return (
    <div className="btc" role="group" aria-label={t('backtest.label')}>
      {canRun && (
        <>
          <label>
            {t('backtest.from')}
            <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} disabled={running} />
          </label>
          <label>
            {t('audit.to')}
            <input type="date" value={to} min={from} max={isoDay(now)} onChange={(e) => setTo(e.target.value)} disabled={running} />
          </label>
          <button type="button" className="btn btn--small" disabled={running || backtest.starting} onClick={() => backtest.start({ from, to })} title={t('backtest.run.title')}>
            <FlaskConical size={14} aria-hidden /> {t('backtest.label')}
          </button>
        </>
      )}
      {b && running && (
        <span className="btc__progress" aria-live="polite">
          <progress max={1} value={b.progress} aria-label={t('backtest.progress')} /> {Math.round(b.progress * 100)}% {phaseText(t, b.phase)}
          {canRun && (
            <button type="button" className="btn btn--small" onClick={backtest.cancel}>
              <X size={14} aria-hidden /> {t('common.cancel')}
            </button>
          )}
        </span>
      )}
      {b?.status === 'failed' && <span className="sf__errors">{t('backtest.failed', { error: b.error ?? '' })}</span>}
      {b?.status === 'cancelled' && <span className="muted">{b.cancelledBy ? t('backtest.cancelledBy', { who: b.cancelledBy }) : t('backtest.cancelled')}</span>}
      {result && (
        <>
          <button
            type="button"
            className={`btn btn--small${backtest.shown ? ' btn--backtest' : ''}`}
            aria-pressed={backtest.shown}
            onClick={() => {
              if (!backtest.shown) onShow();
              backtest.show(!backtest.shown);
            }}
          >
            {t('numbers.backtest')}
          </button>
          {backtest.shown && (
            <span className="btc__legend">
              <span className="btc__swatch" aria-hidden />
              {backtestLegend(t, result.from, result.to)}
            </span>
          )}
          <span className="muted">
            {t('backtest.summary', {
              entered: formatCount(result.draft.entered),
              sent:
                result.draft.byChannel.map((c) => t('backtest.sentOn', { count: formatCount(c.sent), channel: t(channelMessages[c.channel]) })).join(t('backtest.listSeparator')) ||
                t('backtest.nothingSent'),
            })}
          </span>
          {result.live && (
            <span className="btc__compare" title={comparisonLines(t, result).join('\n')}>
              {comparisonLines(t, result)[0]}
            </span>
          )}
          {b?.stale && <span className="btc__stale">{t('backtest.stale')}</span>}
        </>
      )}
      {backtest.error && <span className="sf__errors">{backtest.error}</span>}
      {children}
    </div>
  );
}
