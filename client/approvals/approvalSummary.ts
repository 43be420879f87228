import type { Translate } from '../i18n/useT';
import { changeSummary } from '../pages/changeText';
import type { ApprovalRow } from './approvalLabels';

/**
 * A request's one-line summary in the reader's language, from the data the
 * server sends beside its English (`summaryOf`); a request filed before that
 * existed keeps its stored English `summary`.
 */
export function approvalSummary(t: Translate, r: Pick<ApprovalRow, 'summary' | 'summaryOf'>): string {
  const s = r.summaryOf;
  if (s === null) return r.summary;
  switch (s.kind) {
    case 'journey.publish': {
      const what = s.first ? t('approvals.summary.first') : changeSummary(t, s.changes);
      return s.enrolNow ? t('approvals.summary.enrolNow', { what }) : what;
    }
    case 'template.version':
      return t('approvals.summary.copy', { n: s.changes });
    case 'template.promote':
      return t('approvals.summary.promote', { variant: s.variant.toUpperCase() });
  }
}
