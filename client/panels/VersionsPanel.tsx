import { useT } from '../i18n/useT';
import { Link } from 'react-router';
import type { JourneyDetail } from '../trpc';
import { RelativeTime } from '../components/RelativeTime';

/**
 * Published versions, newest first: who, when, and what changed against the
 * one before, each with a link to view it read-only (and restore it as the
 * draft from there). Runs stay on the version they entered.
 */
export function VersionsPanel({ journey }: { journey: JourneyDetail }) {
  const t = useT();
  const sorted = [...journey.versions].sort((a, b) => b.version - a.version);
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title" className="panel__title">
        {t('editor.tab.versions')} <span className="count">{sorted.length}</span>
      </h2>
      {sorted.length === 0 ? (
        <p className="panel__empty muted">{t('versions.none')}</p>
      ) : (
        <ul className="versions" aria-label={t('editor.tab.versions')}>
          {sorted.map((v) => (
            <li key={v.version} className="version">
              <div className="version__head">
                <span className="version__num">
                  v{v.version}
                  {v.version === journey.version && <span className="version__current">{t('versions.current')}</span>}
                </span>
                <span className="muted">
                  <RelativeTime ms={v.publishedAt} /> · {v.publishedBy}
                </span>
              </div>
              <div className="version__summary">{v.summary}</div>
              <Link className="version__view" to={`/journeys/${encodeURIComponent(journey.id)}/versions/${v.version}`}>
                {t('versions.view', { version: v.version })}
              </Link>
              {v.changes.length > 0 && (
                <details>
                  <summary>{t('versions.changes')}</summary>
                  <ul>
                    {v.changes.map((c, i) => (
                      <li key={i}>{c}</li>
                    ))}
                  </ul>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="sf__help">{t('versions.help')}</p>
    </section>
  );
}
