import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Archive, ArrowLeft, ArrowRightLeft, CircleAlert, Copy, Pause, Pencil, Play, RotateCcw, Rocket } from 'lucide-react';
import { useTRPC, type JourneyDetail } from '../trpc';
import { StatusBadge } from '../components/StatusBadge';
import { RelativeTime } from '../components/RelativeTime';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { saveStatus } from '../store/slices/saveSlice';
import { saveNow, type SaveDraft } from '../store/useAutosave';
import { useAuth } from '../auth/AuthContext';
import { PublishDialog } from './PublishDialog';
import { JourneyDetailsDialog } from './JourneyDetailsDialog';
import { ResumeDialog } from './ResumeDialog';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';

/** Name (editable with the description), status, save state, the lifecycle actions (pause, resume, archive), Duplicate and Publish. */
export function JourneyHeader({ journey, save, onShowProblems }: { journey: JourneyDetail; save: SaveDraft; onShowProblems: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const store = useEditorStoreApi();
  const problems = useEditorStore((s) => s.problems.length);
  const status = useEditorStore(saveStatus);
  const saveError = useEditorStore((s) => s.saveError);
  const lastSavedAt = useEditorStore((s) => s.lastSavedAt);
  // pause, resume, archive and publish are the operator's (the server refuses them to others)
  const operates = useAuth().can('operator');
  const [publishing, setPublishing] = useState(false);
  const [resuming, setResuming] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const [editing, setEditing] = useState(false);
  const navigate = useNavigate();
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: trpc.journeys.get.queryKey({ id: journey.id }) }), qc.invalidateQueries({ queryKey: trpc.journeys.list.queryKey() })]);
  const lifecycle = { onSettled: refresh };
  const pause = useMutation(trpc.journeys.pause.mutationOptions(lifecycle));
  const archive = useMutation(
    trpc.journeys.archive.mutationOptions({
      onSuccess: () => store.getState().setReadOnly(true),
      // refused: the canvas is editable again
      onError: () => store.getState().setReadOnly(false),
      onSettled: () => {
        setArchiving(false);
        return refresh();
      },
    }),
  );
  const clearError = useMutation(trpc.journeys.clearError.mutationOptions(lifecycle));
  const duplicate = useMutation(
    trpc.journeys.duplicate.mutationOptions({
      onSuccess: async ({ id }) => {
        await qc.invalidateQueries({ queryKey: trpc.journeys.list.queryKey() });
        void navigate(`/journeys/${encodeURIComponent(id)}`);
      },
    }),
  );
  // the copy is of the stored draft: store the last edits first (a failed save shows, and stops here)
  const duplicateAfterSaving = async () => {
    if (!store.getState().readOnly) {
      try {
        await saveNow(store, save);
      } catch {
        return;
      }
    }
    duplicate.mutate({ id: journey.id });
  };
  const failed = pause.error ?? archive.error ?? clearError.error ?? duplicate.error;
  const errored = journey.error !== null && journey.status !== 'archived';
  const archiveAfterSaving = async () => {
    if (!window.confirm(t('header.archive.confirm', { name: journey.name }))) return;
    // an archived draft can no longer be saved: freeze the canvas, keep the last edits, then archive
    // (a failed save shows, unfreezes and stops here)
    setArchiving(true);
    store.getState().setReadOnly(true);
    try {
      await saveNow(store, save);
    } catch {
      store.getState().setReadOnly(false);
      setArchiving(false);
      return;
    }
    archive.mutate({ id: journey.id });
  };

  return (
    <header className="jheader">
      <div className="jheader__row">
        <Link to="/" className="jheader__back" aria-label={t('notFound.back')}>
          <ArrowLeft size={18} aria-hidden />
        </Link>
        <div className="jheader__titles">
          <div className="jheader__line">
            <h1>{journey.name}</h1>
            {operates && (
              <button type="button" className="iconbtn" aria-label={t('header.rename')} title={t('header.rename')} onClick={() => setEditing(true)}>
                <Pencil size={14} aria-hidden />
              </button>
            )}
            <StatusBadge status={journey.status} error={journey.error} />
            <span className="jheader__version">{journey.version === null ? t('header.notPublished') : t('header.published', { version: journey.version })}</span>
          </div>
          <div className="jheader__meta muted">
            <span className={`savestate savestate--${status}`} role="status" aria-live="polite">
              {status === 'saving' && t('header.saving')}
              {status === 'unsaved' && t('header.unsaved')}
              {status === 'error' && t('header.notSaved', { error: saveError ?? 'error' })}
              {status === 'saved' &&
                (lastSavedAt ? (
                  <>
                    {t('header.saved')} <RelativeTime ms={lastSavedAt} />
                  </>
                ) : (
                  <>
                    {t('header.saved')} <RelativeTime ms={journey.updatedAt} />
                  </>
                ))}
            </span>
            {journey.description && (
              <span className="jheader__desc" title={journey.description}>
                {journey.description}
              </span>
            )}
          </div>
        </div>
        <div className="jheader__actions">
          {problems > 0 && (
            <button type="button" className="jheader__problems linkbtn" onClick={onShowProblems}>
              <CircleAlert size={15} aria-hidden /> {t('header.problems', { n: problems })}
            </button>
          )}
          {operates && journey.status === 'live' && journey.versions.length >= 2 && (
            <Link className="btn" to={`/journeys/${encodeURIComponent(journey.id)}/migrate`}>
              <ArrowRightLeft size={15} aria-hidden /> {t('migrate.header')}
            </Link>
          )}
          {operates && journey.status === 'live' && (
            <button type="button" className="btn" disabled={pause.isPending} onClick={() => pause.mutate({ id: journey.id })}>
              <Pause size={15} aria-hidden /> {t('header.pause')}
            </button>
          )}
          {operates && journey.status === 'paused' && (
            <button type="button" className="btn" onClick={() => setResuming(true)}>
              <Play size={15} aria-hidden /> {t('header.resume')}
            </button>
          )}
          {operates && (
            <button type="button" className="btn" disabled={duplicate.isPending} title={t('header.duplicate.title')} onClick={() => void duplicateAfterSaving()}>
              <Copy size={15} aria-hidden /> {t('header.duplicate')}
            </button>
          )}
          {operates && journey.status !== 'archived' && (
            <button type="button" className="btn" disabled={archiving || archive.isPending} onClick={() => void archiveAfterSaving()}>
              <Archive size={15} aria-hidden /> {t('header.archive')}
            </button>
          )}
          {operates && journey.status !== 'archived' && (
            <button type="button" className="btn btn--primary" onClick={() => setPublishing(true)}>
              <Rocket size={16} aria-hidden /> {t('header.publish')}
            </button>
          )}
        </div>
      </div>
      {errored && (
        <div className="banner banner--error" role="alert">
          <strong>
            {t('status.errored')}
            {journey.erroredAt !== null && (
              <>
                {' '}
                <RelativeTime ms={journey.erroredAt} />
              </>
            )}
            :
          </strong>{' '}
          {t('header.errored.body')} <code>{journey.error}</code>
          {operates && (
            <div className="banner__actions">
              <button type="button" className="btn" disabled={clearError.isPending} onClick={() => clearError.mutate({ id: journey.id })}>
                <RotateCcw size={15} aria-hidden /> {t('header.errored.resume')}
              </button>
              <span className="muted">{t('header.errored.hint')}</span>
            </div>
          )}
        </div>
      )}
      {journey.status === 'paused' && (
        <div className="banner" role="status">
          {t('header.paused.banner')}
        </div>
      )}
      {!operates && journey.status !== 'archived' && (
        <div className="banner" role="status">
          {t('header.readOnly.banner')}
        </div>
      )}
      {journey.status === 'archived' && (
        <div className="banner" role="status">
          {t('header.archived.banner')}
        </div>
      )}
      {failed && (
        <div className="banner banner--error" role="alert">
          {errorText(failed)}
        </div>
      )}
      {editing && <JourneyDetailsDialog journey={journey} onClose={() => setEditing(false)} />}
      {resuming && <ResumeDialog journey={journey} onClose={() => setResuming(false)} onResumed={refresh} />}
      {publishing && <PublishDialog journey={journey} save={save} onClose={() => setPublishing(false)} onPublished={refresh} />}
    </header>
  );
}
