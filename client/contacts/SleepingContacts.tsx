import { useT } from '../i18n/useT';
import { formatCount } from '../format';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Moon } from 'lucide-react';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { dateTimeIn } from './zonedFormat';

/**
 * The sleeping contacts tile: how many there are (marketing went unanswered,
 * see Settings → Lending guardrails), and a link that filters the Contacts list to them.
 */
export function SleepingTile({ active, onToggle }: { active: boolean; onToggle: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const count = useQuery(trpc.sleeping.count.queryOptions());
  return (
    <section className="card ct-tile" aria-label={t('sleeping.label')}>
      <Moon size={16} aria-hidden />
      <div>
        <div className="ct-tile__value">{count.data ? formatCount(count.data.sleeping) : '…'}</div>
        <div className="muted">{t('sleeping.tile')}</div>
      </div>
      <button type="button" className="btn" aria-pressed={active} onClick={onToggle}>
        {active ? t('sleeping.showAll') : t('sleeping.showSleeping')}
      </button>
    </section>
  );
}

/** The sleeping contacts, most recently fallen asleep first (up to 200). */
export function SleepingList({ defaultZone }: { defaultZone: string }) {
  const t = useT();
  const trpc = useTRPC();
  const list = useQuery(trpc.sleeping.list.queryOptions({ limit: 200 }));
  if (list.isPending) return <Loading what={t('sleeping.loading')} />;
  if (list.isError) return <LoadError error={list.error} />;
  if (list.data.length === 0) return <div className="placeholder">{t('sleeping.none')}</div>;
  return (
    <div className="card ct-card">
      <table className="table" aria-label={t('sleeping.label')}>
        <thead>
          <tr>
            <th scope="col">{t('outbox.contact')}</th>
            <th scope="col">{t('journeys.col.name')}</th>
            <th scope="col">{t('contact.phone')}</th>
            <th scope="col">{t('sleeping.since')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((c) => (
            <tr key={c.id}>
              <td>
                <Link className="table__name" to={`/contacts/${encodeURIComponent(c.externalId ?? c.anonymousId ?? '')}`}>
                  {c.externalId ?? <span className="muted">{t('contacts.anonymous', { id: c.anonymousId ?? '' })}</span>}
                </Link>
              </td>
              <td>{c.name ?? <span className="muted">—</span>}</td>
              <td>{c.phone ?? <span className="muted">—</span>}</td>
              <td className="muted nowrap">{dateTimeIn(c.sleepingSince, defaultZone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
