import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ArrowLeft, CircleAlert, Rocket } from 'lucide-react';
import { useTRPC, type JourneyDetail } from '../trpc';
import { StatusBadge } from '../components/StatusBadge';
import { RelativeTime } from '../components/RelativeTime';
import { publishRefusal } from './publishRefusal';

/** Name, status, version and the Publish action; a refused publish lists why. */
export function JourneyHeader({ journey }: { journey: JourneyDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const publish = useMutation(
    trpc.journeys.publish.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.journeys.get.queryKey({ id: journey.id }) }),
          queryClient.invalidateQueries({ queryKey: trpc.journeys.list.queryKey() }),
        ]),
    }),
  );
  const refusal = publish.isError ? publishRefusal(publish.error) : null;

  return (
    <header className="jheader">
      <div className="jheader__row">
        <Link to="/" className="jheader__back" aria-label="Back to journeys">
          <ArrowLeft size={18} aria-hidden />
        </Link>
        <div className="jheader__titles">
          <div className="jheader__line">
            <h1>{journey.name}</h1>
            <StatusBadge status={journey.status} />
            <span className="jheader__version">{journey.version === null ? 'Not published' : `Published v${journey.version}`}</span>
          </div>
          <div className="jheader__meta muted">
            {journey.description && (
              <span className="jheader__desc" title={journey.description}>
                {journey.description}
              </span>
            )}
            <span className="jheader__changed">
              Draft changed <RelativeTime ms={journey.updatedAt} />
            </span>
          </div>
        </div>
        <div className="jheader__actions">
          {journey.errors.length > 0 && (
            <span className="jheader__problems">
              <CircleAlert size={15} aria-hidden /> {journey.errors.length} problem{journey.errors.length > 1 ? 's' : ''}
            </span>
          )}
          <button type="button" className="btn btn--primary" disabled={publish.isPending} onClick={() => publish.mutate({ id: journey.id })}>
            <Rocket size={16} aria-hidden />
            {publish.isPending ? 'Publishing…' : 'Publish'}
          </button>
        </div>
      </div>
      {publish.isSuccess && (
        <div className="banner banner--ok" role="status">
          Published version {publish.data.version}. New contacts enter this version; runs in flight stay on theirs.
        </div>
      )}
      {refusal && (
        <div className="banner banner--error" role="alert">
          <strong>Not published.</strong> {refusal.message}
          {refusal.problems.length > 0 && (
            <ul>
              {refusal.problems.map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </header>
  );
}
