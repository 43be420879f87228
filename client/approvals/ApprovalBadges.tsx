import { useT } from '../i18n/useT';
import { serverMessageText } from '../i18n/serverText';
import { statusLabels, type ApprovalRow } from './approvalLabels';

/** A request's status, and "stale" when its draft changed after it was made (it can no longer be approved). */
export function ApprovalBadges({ request }: { request: Pick<ApprovalRow, 'status' | 'stale' | 'staleMessage'> }) {
  const t = useT();
  return (
    <span className="approval-badges">
      <span className={`badge badge--req-${request.status}`}>{t(statusLabels[request.status])}</span>
      {request.stale && (
        <span className="badge badge--stale" title={request.staleMessage ? serverMessageText(t, request.staleMessage) : undefined}>
          {t('approvals.stale')}
        </span>
      )}
    </span>
  );
}
