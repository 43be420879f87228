import { Link } from 'react-router';
import type { MigrationForecast as Forecast } from '../../server/services/migration';
import { formatCount } from '../format';
import { useT } from '../i18n/useT';

/**
 * In the publish dialog: the contacts in flight on the live version and
 * where the automatic mapping would move them in the new one (at most: runs
 * due at the move stay). Moving them is a step of its own after publishing.
 */
export function MigrationForecast({ migration: m, next }: { migration: Forecast; next: number }) {
  const t = useT();
  if (m.inFlight === 0) return null;
  return (
    <section className="forecast__section" aria-label={t('migrate.forecast.title', { from: m.fromVersion, n: m.inFlight })}>
      <h3>{t('migrate.forecast.title', { from: m.fromVersion, n: m.inFlight })}</h3>
      <ul className="dialog__list">
        {m.moves
          .filter((x) => x.inFlight > 0)
          .map((x) => (
            <li key={x.from}>
              {x.to === null
                ? t('migrate.forecast.stays', { n: formatCount(x.inFlight), from: x.from, version: m.fromVersion })
                : x.mode === 'keep'
                  ? t('migrate.forecast.keeps', { n: formatCount(x.moving), from: x.from, to: x.to, version: next })
                  : t('migrate.forecast.restarts', { n: formatCount(x.moving), from: x.from, to: x.to, version: next })}
            </li>
          ))}
      </ul>
      <p className="muted">{t('migrate.forecast.after', { version: next })}</p>
    </section>
  );
}

/** After publishing: the way to the side-by-side view. */
export function MigrateLink({ journeyId, version }: { journeyId: string; version: number }) {
  const t = useT();
  return <Link to={`/journeys/${encodeURIComponent(journeyId)}/migrate`}>{t('migrate.link', { version })}</Link>;
}
