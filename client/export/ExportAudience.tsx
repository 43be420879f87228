import { useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useTRPC } from '../trpc';
import { contactColumns, traitColumnPattern } from '../../shared/export/columns';
import { downloadAudience, type ExportSource } from './downloadAudience';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { formatCount } from '../format';

const defaultColumns = ['external_id', 'name', 'phone'];

/**
 * Export an audience as CSV: a segment's members, or the contacts at (or
 * waiting at) a journey's node, with the columns chosen here. The server
 * streams it; the bar fills as the rows arrive. Phones come masked unless
 * the user sees personal data; every export is in the audit log.
 */
export function ExportAudience() {
  const trpc = useTRPC();
  const t = useT();
  const errorText = useErrorText();
  const segments = useQuery(trpc.segments.list.queryOptions());
  const [kind, setKind] = useState<'segment' | 'node'>('segment');
  const journeys = useQuery({ ...trpc.journeys.list.queryOptions(), enabled: kind === 'node' });
  const [segment, setSegment] = useState('');
  const [journeyId, setJourneyId] = useState('');
  const [nodeId, setNodeId] = useState('');
  const [waitingOnly, setWaitingOnly] = useState(false);
  const journey = useQuery({ ...trpc.journeys.get.queryOptions({ id: journeyId }), enabled: kind === 'node' && journeyId !== '' });
  const nodes = journey.data ? (journey.data.published?.graph ?? journey.data.draft).nodes : [];
  const [columns, setColumns] = useState<string[]>(defaultColumns);
  const [traits, setTraits] = useState('');
  const [progress, setProgress] = useState<{ rows: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const traitColumns = traits
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => `trait:${x}`);
  const badTrait = traitColumns.find((c) => !traitColumnPattern.test(c));
  const chosen = [...columns, ...traitColumns];
  const source: ExportSource | null = kind === 'segment' ? (segment ? { kind, segment } : null) : journeyId && nodeId ? { kind, journeyId, nodeId, waitingOnly } : null;
  const problem = !source
    ? kind === 'segment'
      ? t('audience.pickSegment')
      : t('audience.pickNode')
    : chosen.length === 0
      ? t('audience.pickColumn')
      : badTrait
        ? t('audience.badTrait', { key: badTrait.slice(6) })
        : null;
  const running = progress !== null;

  async function start() {
    if (!source || problem) return;
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setDone(null);
    setProgress({ rows: 0, total: 0 });
    try {
      const { rows, fileName } = await downloadAudience({ source, columns: chosen }, controller.signal, (rows, total) => setProgress({ rows, total }));
      setDone(t('audience.done', { rows, file: fileName }));
    } catch (e) {
      setError(controller.signal.aborted ? t('audience.cancelled') : errorText(e instanceof Error ? e : { message: String(e) }));
    } finally {
      abort.current = null;
      setProgress(null);
    }
  }

  return (
    <details className="card export">
      <summary>
        <Download size={14} aria-hidden /> {t('audience.summary')}
      </summary>
      <form
        aria-label={t('audience.label')}
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <div className="policy__row" role="radiogroup" aria-label={t('audience.what')}>
          <label className="check">
            <input type="radio" name="export-kind" checked={kind === 'segment'} onChange={() => setKind('segment')} />
            {t('audience.aSegment')}
          </label>
          <label className="check">
            <input type="radio" name="export-kind" checked={kind === 'node'} onChange={() => setKind('node')} />
            {t('audience.aNode')}
          </label>
        </div>
        {kind === 'segment' ? (
          <div className="policy__row">
            <select aria-label={t('audience.segment')} value={segment} onChange={(e) => setSegment(e.target.value)}>
              <option value="">{t('audience.chooseSegment')}</option>
              {segments.data?.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <div className="policy__row">
            <select
              aria-label={t('audience.journey')}
              value={journeyId}
              onChange={(e) => {
                setJourneyId(e.target.value);
                setNodeId('');
              }}
            >
              <option value="">{t('audience.chooseJourney')}</option>
              {journeys.data
                ?.filter((j) => j.version !== null)
                .map((j) => (
                  <option key={j.id} value={j.id}>
                    {j.name}
                  </option>
                ))}
            </select>
            <select aria-label={t('audience.node')} value={nodeId} onChange={(e) => setNodeId(e.target.value)} disabled={nodes.length === 0}>
              <option value="">{t('audience.chooseNode')}</option>
              {nodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {`${n.id} (${n.kind})`}
                </option>
              ))}
            </select>
            <label className="check">
              <input type="checkbox" checked={waitingOnly} onChange={(e) => setWaitingOnly(e.target.checked)} />
              {t('audience.waitingOnly')}
            </label>
          </div>
        )}
        <div className="policy__row" role="group" aria-label={t('audience.columns')}>
          {contactColumns.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={columns.includes(c)}
                onChange={(e) => setColumns(e.target.checked ? contactColumns.filter((x) => x === c || columns.includes(x)) : columns.filter((x) => x !== c))}
              />
              {c}
            </label>
          ))}
        </div>
        <div className="policy__row">
          <label>
            {t('audience.traits')} <input type="text" aria-label={t('audience.traitColumns')} placeholder="plan, limit" value={traits} onChange={(e) => setTraits(e.target.value)} />
          </label>
        </div>
        {problem && <p className="muted">{problem}</p>}
        <div className="policy__actions">
          <button type="submit" className="btn btn--primary" disabled={problem !== null || running}>
            {t('audience.export')}
          </button>
          {running && (
            <button type="button" className="btn" onClick={() => abort.current?.abort()}>
              {t('audience.cancel')}
            </button>
          )}
        </div>
        {progress && (
          <p role="status">
            <progress max={progress.total || 1} value={progress.rows} aria-label={t('audience.progress')} />{' '}
            {t('audience.progressText', { rows: formatCount(progress.rows), total: formatCount(progress.total) })}
          </p>
        )}
        {done && (
          <p className="banner banner--ok" role="status">
            {done}
          </p>
        )}
        {error && (
          <p className="banner banner--error" role="alert">
            {error}
          </p>
        )}
      </form>
    </details>
  );
}
