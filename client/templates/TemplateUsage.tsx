import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../trpc';
import { journeyStatusText } from '../components/StatusBadge';

/** "Which journeys use this template": each journey that sends it (draft or published), with the nodes that do. */
export function TemplateUsage({ templateKey }: { templateKey: string }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const q = useQuery(trpc.templates.usage.queryOptions({ key: templateKey }));
  return (
    <section className="stats__usage" aria-label={t('usage.label')}>
      <h3>{t('usage.title')}</h3>
      {q.isPending && <p className="muted">{t('audit.loadingMore')}</p>}
      {q.isError && <p className="sf__errors">{errorText(q.error)}</p>}
      {q.data?.length === 0 && <p className="muted">{t('usage.none')}</p>}
      {q.data && q.data.length > 0 && (
        <ul>
          {q.data.map((j) => (
            <li key={j.journeyId}>
              <Link to={`/journeys/${encodeURIComponent(j.journeyId)}`}>{j.name}</Link> <span className="muted">· {journeyStatusText(t, j.status)}</span>
              <span className="muted"> · {j.nodes.map((n) => n.title).join(', ')}</span>
              {!j.published && <span className="muted"> {t('usage.draftOnly')}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
