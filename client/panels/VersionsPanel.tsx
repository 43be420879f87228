import { Link } from 'react-router';
import type { JourneyDetail } from '../trpc';
import { RelativeTime } from '../components/RelativeTime';

/**
 * Published versions, newest first: who, when, and what changed against the
 * one before, each with a link to view it read-only (and restore it as the
 * draft from there). Runs stay on the version they entered.
 */
export function VersionsPanel({ journey }: { journey: JourneyDetail }) {
  const sorted = [...journey.versions].sort((a, b) => b.version - a.version);
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title" className="panel__title">
        Versions <span className="count">{sorted.length}</span>
      </h2>
      {sorted.length === 0 ? (
        <p className="panel__empty muted">Not published yet. Publishing freezes this draft as version 1.</p>
      ) : (
        <ul className="versions" aria-label="Versions">
          {sorted.map((v) => (
            <li key={v.version} className="version">
              <div className="version__head">
                <span className="version__num">
                  v{v.version}
                  {v.version === journey.version && <span className="version__current">current</span>}
                </span>
                <span className="muted">
                  <RelativeTime ms={v.publishedAt} /> · {v.publishedBy}
                </span>
              </div>
              <div className="version__summary">{v.summary}</div>
              <Link className="version__view" to={`/journeys/${encodeURIComponent(journey.id)}/versions/${v.version}`}>
                View v{v.version}
              </Link>
              {v.changes.length > 0 && (
                <details>
                  <summary>What changed</summary>
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
      <p className="sf__help">A new version takes new entries only; contacts in flight stay on the version they started. Migrating them comes later.</p>
    </section>
  );
}
