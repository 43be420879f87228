import { useIntlOrEnglish, useT } from '../i18n/useT';
import { isServerMessage } from '../../shared/i18n/serverMessages';
import { serverMessageText } from '../i18n/serverText';
import { formatCount } from '../format';
import { errorFileHref, type OutcomeReport } from './uploadOutcomes';

/**
 * What came of an imported outcomes file: how many outcomes were recorded of
 * the rows read, each refused row by its line and why (worded from its code
 * in the reader's language), and the error file of them all to fix and send
 * again.
 */
export function OutcomeReportView({ report }: { report: OutcomeReport }) {
  const t = useT();
  const intl = useIntlOrEnglish();
  const refused = report.rows - report.recorded;
  return (
    <div className="agent-import-report">
      <p className={refused ? 'banner' : 'banner banner--ok'} role="status">
        {t('agent.import.recorded', { recorded: formatCount(report.recorded), rows: formatCount(report.rows), refused })}
      </p>
      {report.bad.length > 0 && (
        <ul className="agent-import-refused" aria-label={t('agent.import.refusedRows')}>
          {report.bad.map((b) => (
            <li key={b.line}>{t('agent.import.line', { line: b.line, reason: isServerMessage(b.messageRef) ? serverMessageText(intl, b.messageRef) : b.error })}</li>
          ))}
        </ul>
      )}
      {report.errorsCsv && (
        <a className="btn btn--small" href={errorFileHref(report.errorsCsv)} download="outcomes.errors.csv">
          {t('agent.import.errorFile')}
        </a>
      )}
    </div>
  );
}
