import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { CircleAlert, Rocket } from 'lucide-react';
import { diffGraphs, summarizeChanges } from '../../shared/journey/diff';
import { fromFlow } from '../mapping/fromFlow';
import { useTRPC, type JourneyDetail } from '../trpc';
import { useEditorStore, useEditorStoreApi } from '../store/editorContext';
import { saveNow, type SaveDraft } from '../store/useAutosave';
import { publishRefusal } from './publishRefusal';
import { approvalPath, requestOf } from '../approvals/approvalLabels';

/**
 * Publishing, with a look first: refused while the draft has problems (the
 * same compile the server runs), otherwise a summary of what changes against
 * the live version and what happens to contacts already inside.
 */
export function PublishDialog({ journey, save, onClose, onPublished }: { journey: JourneyDetail; save: SaveDraft; onClose: () => void; onPublished: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const store = useEditorStoreApi();
  const problems = useEditorStore((s) => s.problems);
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const settings = useEditorStore((s) => s.settings);
  const dialog = useRef<HTMLDialogElement>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  // the draft as it stands now (the dialog is modal: it cannot change underneath)
  const changes = useMemo(() => diffGraphs(journey.published?.graph ?? null, fromFlow({ nodes, edges }, settings)), [journey.published, nodes, edges, settings]);
  const qc = useQueryClient();
  // a request instead of a version: the Approvals count changes too
  const publish = useMutation(trpc.journeys.publish.mutationOptions({ onSuccess: () => Promise.all([onPublished(), qc.invalidateQueries({ queryKey: trpc.approvals.pathKey() })]) }));
  const refusal = publish.isError ? publishRefusal(publish.error) : null;
  // with four-eyes on, publishing answers a request instead of a version
  const requested = requestOf(publish.data);
  const published = !requested && publish.data && 'version' in publish.data ? publish.data.version : null;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const go = async () => {
    setSaveError(null);
    try {
      // publish exactly what is on the canvas: save it first
      await saveNow(store, save);
    } catch (e) {
      setSaveError(e instanceof Error ? e.message : String(e));
      return;
    }
    publish.mutate({ id: journey.id });
  };

  const next = (journey.version ?? 0) + 1;
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="publish-title" onClose={onClose} onCancel={onClose}>
      <h2 id="publish-title">{requested ? 'Sent for approval' : published !== null ? `Published version ${published}` : `Publish version ${next}`}</h2>
      {requested ? (
        <p role="status">
          v{next} goes live once someone else with the approver role approves it. <Link to={approvalPath(requested.id)}>See the request</Link>
        </p>
      ) : published !== null ? (
        <p role="status">New contacts now enter v{published}. Contacts already inside stay on the version they started.</p>
      ) : problems.length > 0 ? (
        <div role="alert">
          <p>
            <CircleAlert size={15} aria-hidden /> Fix {problems.length} problem{problems.length > 1 ? 's' : ''} before publishing:
          </p>
          <ul className="dialog__list">
            {problems.slice(0, 8).map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
            {problems.length > 8 && <li>…and {problems.length - 8} more (see the Problems tab)</li>}
          </ul>
        </div>
      ) : (
        <>
          <p className="dialog__summary">{journey.published ? `Against v${journey.published.version}: ${summarizeChanges(changes)}.` : 'First version: everything below goes live.'}</p>
          <ul className="dialog__list" aria-label="What changes">
            {changes.length === 0 && <li>No changes to the live version.</li>}
            {changes.slice(0, 30).map((c, i) => (
              <li key={i}>{c.message}</li>
            ))}
            {changes.length > 30 && <li>…and {changes.length - 30} more</li>}
          </ul>
          {journey.status === 'live' || journey.status === 'paused' ? (
            <p className="dialog__note">
              Contacts already in the journey stay on v{journey.version} until they leave it; only new entries follow v{next}. Moving them node by node to the new version comes later.
            </p>
          ) : (
            <p className="dialog__note">Publishing makes the journey live: its entry starts enrolling contacts.</p>
          )}
        </>
      )}
      {(refusal || saveError) && (
        <div className="banner banner--error" role="alert">
          <strong>Not published.</strong> {saveError ?? refusal?.message}
        </div>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          {publish.isSuccess ? 'Close' : 'Cancel'}
        </button>
        {!publish.isSuccess && (
          <button type="button" className="btn btn--primary" disabled={problems.length > 0 || publish.isPending} onClick={() => void go()}>
            <Rocket size={15} aria-hidden /> {publish.isPending ? 'Publishing…' : `Publish v${next}`}
          </button>
        )}
      </div>
    </dialog>
  );
}
