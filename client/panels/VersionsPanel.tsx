import type { JourneyDetail } from '../trpc';
import { RelativeTime } from '../components/RelativeTime';

/** Published versions, newest first. Runs stay on the version they entered. */
export function VersionsPanel({ versions, current }: { versions: JourneyDetail['versions']; current: number | null }) {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title" className="panel__title">
        Versions <span className="count">{versions.length}</span>
      </h2>
      {sorted.length === 0 ? (
        <p className="panel__empty muted">Not published yet. Publishing freezes this draft as version 1.</p>
      ) : (
        <ul className="versions">
          {sorted.map((v) => (
            <li key={v.version} className="version">
              <span className="version__num">
                v{v.version}
                {v.version === current && <span className="version__current">current</span>}
              </span>
              <span className="muted">
                <RelativeTime ms={v.publishedAt} /> · {v.publishedBy} · {v.nodeCount} nodes
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
