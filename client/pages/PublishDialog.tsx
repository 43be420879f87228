import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { CircleAlert, Rocket } from 'lucide-react';
import { diffGraphs } from '../../shared/journey/diff';
import { useChangeWords } from './changeText';
import { fromFlow } from '../mapping/fromFlow';
import { useTRPC, type JourneyDetail } from '../trpc';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { saveNow, type SaveDraft } from '../store/useAutosave';
import { publishRefusal } from './publishRefusal';
import { approvalPath, requestOf } from '../approvals/approvalLabels';
import { ForecastView, atInZone } from '../forecast/ForecastView';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useProblemText } from '../i18n/problemText';
import { useNodeName } from '../store/useNodeName';
import { MigrateLink, MigrationForecast } from '../migrate/MigrationForecast';

/**
 * Publishing, with a look first: refused while the draft has problems (the
 * same compile the server runs) or changes nothing, otherwise a summary of
 * what changes against the live version, what happens to contacts already
 * inside, and the forecast: who enters and when, who is out of reach, and
 * the most it sends and costs. A segment entry enrols at its schedule's next
 * time unless the operator also enrols now.
 */
export function PublishDialog({ journey, save, onClose, onPublished }: { journey: JourneyDetail; save: SaveDraft; onClose: () => void; onPublished: () => Promise<unknown> }) {
  const t = useT();
  const errorText = useErrorText();
  const problemText = useProblemText(useNodeName());
  const trpc = useTRPC();
  const store = useEditorStoreApi();
  const problems = useEditorStore((s) => s.problems);
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const settings = useEditorStore((s) => s.settings);
  const dialog = useRef<HTMLDialogElement>(null);
  const [saveError, setSaveError] = useState<Error | null>(null);
  // the forecast is of the stored draft: it waits for the canvas to be saved
  const [saved, setSaved] = useState(false);
  const [enrolNow, setEnrolNow] = useState(false);
  // the draft as it stands now (the dialog is modal: it cannot change underneath)
  const draft = useMemo(() => fromFlow({ nodes, edges }, settings), [nodes, edges, settings]);
  const changes = useMemo(() => diffGraphs(journey.published?.graph ?? null, draft), [journey.published, draft]);
  const changeWords = useChangeWords({ before: journey.published?.graph ?? null, after: draft });
  const qc = useQueryClient();
  // a request instead of a version: the Approvals count changes too
  const publish = useMutation(trpc.journeys.publish.mutationOptions({ onSuccess: () => Promise.all([onPublished(), qc.invalidateQueries({ queryKey: trpc.approvals.pathKey() })]) }));
  const refusal = publish.isError ? publishRefusal(publish.error) : null;
  // with four-eyes on, publishing answers a request instead of a version
  const requested = requestOf(publish.data);
  const published = !requested && publish.data && 'version' in publish.data ? publish.data.version : null;
  const unchanged = journey.published !== null && changes.length === 0;
  const forecast = useQuery({
    ...trpc.journeys.forecast.queryOptions({ id: journey.id, enrolNow }),
    enabled: saved && problems.length === 0 && !unchanged,
    // what was shown when the operator decided stays on screen after publishing
    staleTime: Infinity,
    placeholderData: (previous) => previous,
  });

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    saveNow(store, save).then(
      () => setSaved(true),
      (e: unknown) => setSaveError(e instanceof Error ? e : new Error(String(e))),
    );
  }, [store, save]);

  const go = async () => {
    setSaveError(null);
    try {
      // publish exactly what is on the canvas: save it first
      await saveNow(store, save);
    } catch (e) {
      setSaveError(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    publish.mutate({ id: journey.id, enrolNow });
  };
  const f = forecast.data;
  const segment = f?.entry.kind === 'segment' ? f.entry : null;

  const next = (journey.version ?? 0) + 1;
  return (
    <dialog ref={dialog} className="dialog dialog--wide" aria-labelledby="publish-title" onClose={onClose} onCancel={onClose}>
      <h2 id="publish-title">{requested ? t('publish.requested') : published !== null ? t('publish.published', { version: published }) : t('publish.title', { version: next })}</h2>
      {requested ? (
        <p role="status">
          {t('publish.requested.body', { version: next })} <Link to={approvalPath(requested.id)}>{t('publish.requested.link')}</Link>
        </p>
      ) : published !== null ? (
        <p role="status">
          {segment && segment.firstAt !== null && f && segment.firstAt > f.at
            ? t('publish.entersFrom', { version: published, at: atInZone(segment.firstAt, f.timezone) })
            : t('publish.entersNow', { version: published })}{' '}
          {f?.migration && f.migration.inFlight > 0 ? <MigrateLink journeyId={journey.id} version={published} /> : t('publish.inside')}
        </p>
      ) : unchanged ? (
        <p role="status">{t('publish.unchanged', { version: journey.published?.version ?? 0 })}</p>
      ) : problems.length > 0 ? (
        <div role="alert">
          <p>
            <CircleAlert size={15} aria-hidden /> {t('publish.fix', { n: problems.length })}
          </p>
          <ul className="dialog__list">
            {problems.slice(0, 8).map((p, i) => (
              <li key={i}>{problemText(p)}</li>
            ))}
            {problems.length > 8 && <li>{t('publish.moreProblems', { n: problems.length - 8 })}</li>}
          </ul>
        </div>
      ) : (
        <>
          <p className="dialog__summary">{journey.published ? t('publish.against', { version: journey.published.version, summary: changeWords.summary(changes) }) : t('publish.first')}</p>
          <ul className="dialog__list" aria-label={t('publish.changes')}>
            {changes.length === 0 && <li>{t('publish.noChanges')}</li>}
            {changes.slice(0, 30).map((c, i) => (
              <li key={i}>{changeWords.line(c)}</li>
            ))}
            {changes.length > 30 && <li>{t('publish.more', { n: changes.length - 30 })}</li>}
          </ul>
          {journey.status === 'live' || journey.status === 'paused' ? (
            <p className="dialog__note">{t('publish.note.live', { current: journey.version ?? 0, next })}</p>
          ) : (
            <p className="dialog__note">{t('publish.note.first')}</p>
          )}
          {forecast.isError ? (
            <p className="banner banner--error" role="alert">
              {t('publish.noForecast', { error: errorText(forecast.error) })}
            </p>
          ) : f ? (
            <>
              <ForecastView forecast={f} />
              {f.migration && <MigrationForecast migration={f.migration} next={next} />}
              {segment && segment.nextScheduledAt !== null && (
                <label className="check forecast__choice">
                  <span>
                    <input type="checkbox" checked={enrolNow} onChange={(e) => setEnrolNow(e.target.checked)} /> {t('publish.enrolNow')}
                  </span>
                  <span className="muted">
                    {(() => {
                      const values = { n: f.audience.admitted, exact: f.audience.exact ? 'yes' : 'no', at: atInZone(segment.nextScheduledAt, f.timezone) };
                      return enrolNow ? t('publish.enrolNow.on', values) : t('publish.enrolNow.off', values);
                    })()}
                  </span>
                </label>
              )}
            </>
          ) : (
            <p className="forecast__loading" role="status">
              {t('publish.counting')}
            </p>
          )}
        </>
      )}
      {(refusal || saveError) && (
        <div className="banner banner--error" role="alert">
          <strong>{t('publish.refused')}</strong> {errorText(saveError ?? publish.error)}
        </div>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          {publish.isSuccess ? t('common.close') : t('common.cancel')}
        </button>
        {!publish.isSuccess && (
          <button type="button" className="btn btn--primary" disabled={problems.length > 0 || unchanged || publish.isPending} onClick={() => void go()}>
            <Rocket size={15} aria-hidden /> {publish.isPending ? t('publish.pending') : t('publish.submit', { version: next })}
          </button>
        )}
      </div>
    </dialog>
  );
}
