import { useT } from '../i18n/useT';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ArrowLeft } from 'lucide-react';
import { useTRPC } from '../trpc';
import { LoadError, Loading } from '../components/QueryState';
import { ContactHeader } from './ContactHeader';
import { ContactJourneys } from './ContactJourneys';
import { ContactTimeline } from './ContactTimeline';

const LIMIT = 500;

/**
 * One contact, everything that happened to them: events, journey steps and messages with their
 * variant, rendered text and every policy decision in words. Refreshes while the engine runs.
 */
export function ContactPage() {
  const { externalId = '' } = useParams();
  const trpc = useTRPC();
  const t = useT();
  const timeline = useQuery({ ...trpc.contacts.timeline.queryOptions({ externalId, limit: LIMIT }), refetchInterval: 10_000, retry: (n, e) => e.data?.code !== 'NOT_FOUND' && n < 2 });

  return (
    <main className="page page--wide ct-page">
      <Link to="/contacts" className="ct-back">
        <ArrowLeft size={14} aria-hidden /> {t('layout.nav.contacts')}
      </Link>
      {timeline.isPending ? (
        <Loading what={t('contact.loading')} />
      ) : timeline.isError ? (
        timeline.error.data?.code === 'NOT_FOUND' ? (
          <div className="placeholder" role="alert">
            {t('contact.notFound', { id: externalId })} <Link to={`/contacts?q=${encodeURIComponent(externalId)}`}>{t('contact.searchFor')}</Link>
          </div>
        ) : (
          <LoadError error={timeline.error} />
        )
      ) : (
        <>
          <ContactHeader contact={timeline.data.contact} />
          <div className="ct-body">
            <ContactTimeline timeline={timeline.data} limit={LIMIT} />
            <aside className="ct-side">
              <ContactJourneys runs={timeline.data.runs} tz={timeline.data.contact.timezone} />
            </aside>
          </div>
        </>
      )}
    </main>
  );
}
