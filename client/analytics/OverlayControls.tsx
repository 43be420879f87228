import { useT } from '../i18n/useT';
import { BarChart3, RefreshCw } from 'lucide-react';
import type { OverlayParams } from './useOverlay';
import { conversionBands } from './conversionScale';

/**
 * The overlay switch, with what it shows: which version (or all), which days
 * (UTC), and the conversion colour scale. Numbers refresh on their own while on.
 */
export function OverlayControls({
  params,
  onChange,
  versions,
  fetching,
  error,
}: {
  params: OverlayParams;
  onChange: (p: OverlayParams) => void;
  versions: number[];
  fetching: boolean;
  error: string | null;
}) {
  const t = useT();
  return (
    <div className="ovc" role="group" aria-label={t('overlay.label')}>
      <button type="button" className={`btn btn--small${params.on ? ' btn--on' : ''}`} aria-pressed={params.on} onClick={() => onChange({ ...params, on: !params.on })}>
        <BarChart3 size={14} aria-hidden /> {t('overlay.numbers')}
      </button>
      {params.on && (
        <>
          <label>
            {t('journeys.col.version')}
            <select value={params.version ?? ''} onChange={(e) => onChange({ ...params, version: e.target.value ? Number(e.target.value) : undefined })}>
              <option value="">{t('overlay.allVersions')}</option>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('audit.from')}
            <input type="date" value={params.from ?? ''} onChange={(e) => onChange({ ...params, from: e.target.value || undefined })} />
          </label>
          <label>
            {t('audit.to')}
            <input type="date" value={params.to ?? ''} onChange={(e) => onChange({ ...params, to: e.target.value || undefined })} />
          </label>
          <span className="ovc__legend" aria-label={t('overlay.scale')}>
            {conversionBands.map((b) => (
              <span key={b.band} className={`ovc__swatch jn__overlay--band${b.band}`}>
                {b.label}
              </span>
            ))}
          </span>
          <span className="muted ovc__live" aria-live="polite">
            <RefreshCw size={12} aria-hidden className={fetching ? 'spin' : undefined} /> {t('overlay.live')}
          </span>
          {error && <span className="sf__errors">{error}</span>}
        </>
      )}
    </div>
  );
}
