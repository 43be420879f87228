import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Archive, ArrowLeft, CircleAlert, Copy, Pause, Pencil, Play, RotateCcw, Rocket } from 'lucide-react';
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

/** Name (editable with the description), status, save state, the lifecycle actions (pause, resume, archive), Duplicate and Publish. */
export function JourneyHeader({ journey, save, onShowProblems }: { journey: JourneyDetail; save: SaveDraft; onShowProblems: () => void }) {
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
    if (!window.confirm(`Archive "${journey.name}"? It stops enrolling, every contact still in it leaves, and it can no longer be edited.`)) return;
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
        <Link to="/" className="jheader__back" aria-label="Back to journeys">
          <ArrowLeft size={18} aria-hidden />
        </Link>
        <div className="jheader__titles">
          <div className="jheader__line">
            <h1>{journey.name}</h1>
            {operates && (
              <button type="button" className="iconbtn" aria-label="Rename or describe" title="Rename or describe" onClick={() => setEditing(true)}>
                <Pencil size={14} aria-hidden />
              </button>
            )}
            <StatusBadge status={journey.status} error={journey.error} />
            <span className="jheader__version">{journey.version === null ? 'Not published' : `Published v${journey.version}`}</span>
          </div>
          <div className="jheader__meta muted">
            <span className={`savestate savestate--${status}`} role="status" aria-live="polite">
              {status === 'saving' && 'Saving…'}
              {status === 'unsaved' && 'Unsaved changes'}
              {status === 'error' && `Not saved: ${saveError ?? 'error'}`}
              {status === 'saved' &&
                (lastSavedAt ? (
                  <>
                    Draft saved <RelativeTime ms={lastSavedAt} />
                  </>
                ) : (
                  <>
                    Draft saved <RelativeTime ms={journey.updatedAt} />
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
              <CircleAlert size={15} aria-hidden /> {problems} problem{problems > 1 ? 's' : ''}
            </button>
          )}
          {operates && journey.status === 'live' && (
            <button type="button" className="btn" disabled={pause.isPending} onClick={() => pause.mutate({ id: journey.id })}>
              <Pause size={15} aria-hidden /> Pause
            </button>
          )}
          {operates && journey.status === 'paused' && (
            <button type="button" className="btn" onClick={() => setResuming(true)}>
              <Play size={15} aria-hidden /> Resume
            </button>
          )}
          {operates && (
            <button type="button" className="btn" disabled={duplicate.isPending} title="A new draft journey with this one's draft" onClick={() => void duplicateAfterSaving()}>
              <Copy size={15} aria-hidden /> Duplicate
            </button>
          )}
          {operates && journey.status !== 'archived' && (
            <button type="button" className="btn" disabled={archiving || archive.isPending} onClick={() => void archiveAfterSaving()}>
              <Archive size={15} aria-hidden /> Archive
            </button>
          )}
          {operates && journey.status !== 'archived' && (
            <button type="button" className="btn btn--primary" onClick={() => setPublishing(true)}>
              <Rocket size={16} aria-hidden /> Publish
            </button>
          )}
        </div>
      </div>
      {errored && (
        <div className="banner banner--error" role="alert">
          <strong>
            Errored
            {journey.erroredAt !== null && (
              <>
                {' '}
                <RelativeTime ms={journey.erroredAt} />
              </>
            )}
            :
          </strong>{' '}
          the engine stopped working this journey, and every other journey goes on. Nobody enters it, and contacts in it wait where they are. Reason: <code>{journey.error}</code>
          {operates && (
            <div className="banner__actions">
              <button type="button" className="btn" disabled={clearError.isPending} onClick={() => clearError.mutate({ id: journey.id })}>
                <RotateCcw size={15} aria-hidden /> Resume after fixing
              </button>
              <span className="muted">Fix the cause first (the segment, the template, or publish a corrected version): if it is still there, the engine marks the journey again.</span>
            </div>
          )}
        </div>
      )}
      {journey.status === 'paused' && (
        <div className="banner" role="status">
          Paused: nobody enters, and contacts in the journey hold where they are until you resume. On resume, you choose what happens to timers that fell due meanwhile.
        </div>
      )}
      {!operates && journey.status !== 'archived' && (
        <div className="banner" role="status">
          Read-only: editing, publishing and pausing journeys needs the operator role.
        </div>
      )}
      {journey.status === 'archived' && (
        <div className="banner" role="status">
          Archived: this journey no longer runs and is read-only.
        </div>
      )}
      {failed && (
        <div className="banner banner--error" role="alert">
          {failed.message}
        </div>
      )}
      {editing && <JourneyDetailsDialog journey={journey} onClose={() => setEditing(false)} />}
      {resuming && <ResumeDialog journey={journey} onClose={() => setResuming(false)} onResumed={refresh} />}
      {publishing && <PublishDialog journey={journey} save={save} onClose={() => setPublishing(false)} onPublished={refresh} />}
    </header>
  );
}
