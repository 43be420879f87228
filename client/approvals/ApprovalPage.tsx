import { useT } from '../i18n/useT';
import { serverMessageText, useErrorText } from '../i18n/serverText';
import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ArrowLeft, Check, Undo2, X } from 'lucide-react';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { ApprovalBadges } from './ApprovalBadges';
import { ApprovalChanges } from './ApprovalChanges';
import { ForecastView } from '../forecast/ForecastView';
import { MigrationForecast } from '../migrate/MigrationForecast';
import { kindLabels, objectPath, type ApprovalDetail } from './approvalLabels';
import { approvalSummary } from './approvalSummary';

/** One request: what it changes, who asked, and (while pending) approve, reject or withdraw it. */
export function ApprovalPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const request = useQuery(trpc.approvals.get.queryOptions({ id }));
  const t = useT();

  return (
    <main className="page approval">
      {/* not "Approvals": the nav link keeps that name to itself */}
      <Link to="/approvals" className="ct-back">
        <ArrowLeft size={14} aria-hidden /> {t('approvals.allRequests')}
      </Link>
      {request.isPending ? <Loading what={t('approvals.loading.one')} /> : request.isError ? <LoadError error={request.error} /> : <Request request={request.data} />}
    </main>
  );
}

function Request({ request: r }: { request: ApprovalDetail }) {
  const t = useT();
  return (
    <>
      <div className="page__header">
        <div>
          <div className="approval__title">
            <h1>{t('approvals.heading', { kind: t(kindLabels[r.kind]), name: r.objectName })}</h1>
            <ApprovalBadges request={r} />
          </div>
          <p className="muted">{approvalSummary(t, r)}</p>
        </div>
        <Link to={objectPath(r)} className="btn">
          {t('approvals.open', { type: r.objectType })}
        </Link>
      </div>
      <section className="card" aria-labelledby="request-facts">
        <h2 id="request-facts">{t('approvals.col.request')}</h2>
        <dl className="settings__facts">
          <dt>{t('approvals.col.requestedBy')}</dt>
          <dd>
            {r.requestedBy.displayName} · <RelativeTime ms={r.requestedAt} />
          </dd>
          {r.decidedBy && (
            <>
              <dt>{r.status === 'withdrawn' ? t('approvals.withdrawnBy') : t('approvals.decidedBy')}</dt>
              <dd>
                {r.decidedBy.displayName}
                {r.decidedAt !== null && (
                  <>
                    {' '}
                    · <RelativeTime ms={r.decidedAt} />
                  </>
                )}
              </dd>
            </>
          )}
          {r.comment && (
            <>
              <dt>{t('approvals.comment')}</dt>
              <dd className="approval__comment">{r.comment}</dd>
            </>
          )}
        </dl>
        {r.stale && (
          <div className="banner banner--error" role="status">
            <strong>{t('approvals.stale.label')}</strong> {r.staleMessage ? serverMessageText(t, r.staleMessage) : t('approvals.stale.reason')} {t('approvals.stale.body')}
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="request-changes">
        <h2 id="request-changes">{t('publish.changes')}</h2>
        <ApprovalChanges changes={r.changes} graphs={r.graphs} />
      </section>
      {r.kind === 'journey.publish' && r.status === 'pending' && !r.stale && <RequestForecast journeyId={r.objectId} enrolNow={r.enrolNow === true} />}
      {r.status === 'pending' && <Decision request={r} />}
    </>
  );
}

/** What approving would do, counted now (not when it was asked): the same forecast the publish dialog showed, with the requester's choice to enrol now or not. */
function RequestForecast({ journeyId, enrolNow }: { journeyId: string; enrolNow: boolean }) {
  const trpc = useTRPC();
  const forecast = useQuery(trpc.journeys.forecast.queryOptions({ id: journeyId, enrolNow }));
  const t = useT();
  return (
    <section className="card" aria-labelledby="request-forecast">
      <h2 id="request-forecast">{t('approvals.whenApproved')}</h2>
      {forecast.data?.entry.kind === 'segment' && <p className="muted">{enrolNow ? t('approvals.enrolNow') : t('approvals.enrolLater')}</p>}
      {forecast.isPending ? <Loading what={t('approvals.loading.forecast')} /> : forecast.isError ? <LoadError error={forecast.error} /> : <ForecastView forecast={forecast.data} />}
      {forecast.data?.migration && <MigrationForecast migration={forecast.data.migration} next={forecast.data.version} />}
    </section>
  );
}

/** Approve or reject (an approver, not the requester), or withdraw (the requester). */
function Decision({ request: r }: { request: ApprovalDetail }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { user, can } = useAuth();
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  // approving publishes or saves: journeys and templates change too
  const done = { onSuccess: () => qc.invalidateQueries() };
  const approve = useMutation(trpc.approvals.approve.mutationOptions(done));
  const reject = useMutation(trpc.approvals.reject.mutationOptions(done));
  const withdraw = useMutation(trpc.approvals.withdraw.mutationOptions(done));
  const failed = approve.error ?? reject.error ?? withdraw.error;
  const busy = approve.isPending || reject.isPending || withdraw.isPending;
  const mine = r.requestedBy.id === user.id;
  const decides = can('approver') && !mine;
  const note = comment.trim();

  const onReject = () => {
    if (!note) {
      setMissing(true);
      box.current?.focus();
      return;
    }
    reject.mutate({ id: r.id, comment: note });
  };

  return (
    <section className="card" aria-labelledby="request-decision">
      <h2 id="request-decision">{t('approvals.decision')}</h2>
      {mine && <p className="approval__note">{t('approvals.mine')}</p>}
      {!mine && !can('approver') && <p className="approval__note">{t('approvals.approverOnly')}</p>}
      {decides && (
        <label className="field approval__box">
          {t('approvals.comment')}
          <textarea
            ref={box}
            rows={3}
            value={comment}
            aria-invalid={missing && !note ? true : undefined}
            aria-describedby={missing && !note ? 'comment-missing' : undefined}
            onChange={(e) => setComment(e.target.value)}
          />
        </label>
      )}
      {missing && !note && (
        <p id="comment-missing" className="form-error" role="alert">
          {t('approvals.sayWhy')}
        </p>
      )}
      {failed && (
        <div className="banner banner--error" role="alert">
          {errorText(failed)}
        </div>
      )}
      <div className="dialog__actions approval__actions">
        {mine && (
          <button type="button" className="btn" disabled={busy} onClick={() => withdraw.mutate({ id: r.id })}>
            <Undo2 size={15} aria-hidden /> {t('approvals.withdraw')}
          </button>
        )}
        {decides && (
          <button type="button" className="btn" disabled={busy} onClick={onReject}>
            <X size={15} aria-hidden /> {t('approvals.reject')}
          </button>
        )}
        {decides && !r.stale && (
          <button type="button" className="btn btn--primary" disabled={busy} onClick={() => approve.mutate({ id: r.id, ...(note ? { comment: note } : {}) })}>
            <Check size={15} aria-hidden /> {t('approvals.approve')}
          </button>
        )}
      </div>
    </section>
  );
}
