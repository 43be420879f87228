import { useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Download, Upload } from 'lucide-react';
import { useTRPC } from '../trpc';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { formatCount } from '../format';
import { downloadCsv } from '../export/downloadAudience';
import { defaultTeam } from '../../shared/agentTasks/outcomes';
import { OutcomeReportView } from './OutcomeReportView';
import { uploadOutcomes, type OutcomeReport } from './uploadOutcomes';
import type { TeamQueue } from './QueueTable';

/** The most tasks one hand-over takes (the server's own bound). */
const handOverMax = 10_000;

/**
 * The outside call centre's hand-over (analysts: the files hold full phone
 * numbers): export a team's best due tasks as CSV (they leave the queue here,
 * so nobody calls twice), and import the outcomes file that comes back.
 */
export function CallCentreFiles({ queues }: { queues: readonly TeamQueue[] }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const teams = queues.length ? queues.map((q) => q.team) : [defaultTeam];
  const [team, setTeam] = useState(teams[0] ?? defaultTeam);
  const [limit, setLimit] = useState(500);
  const [exporting, setExporting] = useState<{ rows: number; total: number } | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const [importing, setImporting] = useState(false);
  const [report, setReport] = useState<OutcomeReport | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.agentTasks.queues.queryKey() });
  const badLimit = !Number.isInteger(limit) || limit < 1 || limit > handOverMax;

  async function exportTasks() {
    if (badLimit) return;
    setExportError(null);
    setExported(null);
    setExporting({ rows: 0, total: 0 });
    try {
      const { rows, fileName } = await downloadCsv('/agent-tasks/export.csv', { team, limit }, new AbortController().signal, (rows, total) => setExporting({ rows, total }), 'calls.csv');
      setExported(t('agent.export.done', { rows, file: fileName }));
    } catch (e) {
      setExportError(errorText(e instanceof Error ? e : { message: String(e) }));
    } finally {
      setExporting(null);
      void refresh();
    }
  }

  async function importOutcomes() {
    const chosen = file.current?.files?.[0];
    if (!chosen) return setImportError(t('agent.import.pickFile'));
    setImportError(null);
    setReport(null);
    setImporting(true);
    try {
      setReport(await uploadOutcomes(chosen));
    } catch (e) {
      setImportError(errorText(e instanceof Error ? e : { message: String(e) }));
    } finally {
      setImporting(false);
      void refresh();
    }
  }

  return (
    <section className="card agent-files" aria-labelledby="agent-files-title">
      <h2 id="agent-files-title">{t('agent.files.title')}</h2>
      <p className="muted">{t('agent.files.lede')}</p>
      <form
        aria-label={t('agent.export.label')}
        onSubmit={(e) => {
          e.preventDefault();
          void exportTasks();
        }}
      >
        <div className="policy__row">
          <label>
            {t('agent.team')}{' '}
            <select value={team} onChange={(e) => setTeam(e.target.value)}>
              {teams.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('agent.export.limit')} <input type="number" min={1} max={handOverMax} step={1} value={limit} onChange={(e) => setLimit(e.target.valueAsNumber)} />
          </label>
          <button type="submit" className="btn btn--primary" disabled={badLimit || exporting !== null}>
            <Download size={14} aria-hidden /> {t('agent.export.button')}
          </button>
        </div>
        {badLimit && <p className="form-error">{t('agent.export.badLimit', { max: handOverMax })}</p>}
        {exporting && (
          <p role="status">
            <progress max={exporting.total || 1} value={exporting.rows} aria-label={t('audience.progress')} />{' '}
            {t('audience.progressText', { rows: formatCount(exporting.rows), total: formatCount(exporting.total) })}
          </p>
        )}
        {exported && (
          <p className="banner banner--ok" role="status">
            {exported}
          </p>
        )}
        {exportError && (
          <p className="banner banner--error" role="alert">
            {exportError}
          </p>
        )}
      </form>
      <form
        aria-label={t('agent.import.label')}
        onSubmit={(e) => {
          e.preventDefault();
          void importOutcomes();
        }}
      >
        <div className="policy__row">
          <label>
            {t('agent.import.file')} <input ref={file} type="file" accept=".csv,text/csv" />
          </label>
          <button type="submit" className="btn" disabled={importing}>
            <Upload size={14} aria-hidden /> {t('agent.import.button')}
          </button>
        </div>
        {importError && (
          <p className="banner banner--error" role="alert">
            {importError}
          </p>
        )}
        {report && <OutcomeReportView report={report} />}
      </form>
    </section>
  );
}
