import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { FilePlus2, LayoutTemplate } from 'lucide-react';
import { useTRPC } from '../trpc';

/**
 * Starts a journey: blank, or a copy of one of the shipped blueprints. On
 * success it opens the new journey on the canvas.
 */
export function NewJourneyDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState('');
  const blueprints = useQuery(trpc.journeys.blueprints.queryOptions());
  const create = useMutation(
    trpc.journeys.create.mutationOptions({
      onSuccess: async ({ id }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.journeys.list.queryKey() });
        void navigate(`/journeys/${encodeURIComponent(id)}`);
      },
    }),
  );

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const start = (blueprint?: string) => {
    const trimmed = name.trim();
    create.mutate({ ...(trimmed ? { name: trimmed } : {}), ...(blueprint ? { blueprint } : {}) });
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>New journey</h2>
      <label className="field">
        <span>Name (optional)</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Recall: registered, never logged in" maxLength={120} />
      </label>
      <div className="choices">
        <button type="button" className="choice" disabled={create.isPending} onClick={() => start()}>
          <FilePlus2 size={18} aria-hidden />
          <span>
            <strong>Blank journey</strong>
            <span className="muted">Start from an empty canvas.</span>
          </span>
        </button>
        {blueprints.data?.map((b) => (
          <button key={b.key} type="button" className="choice" disabled={create.isPending} onClick={() => start(b.key)}>
            <LayoutTemplate size={18} aria-hidden />
            <span>
              <strong>{b.name}</strong>
              <span className="muted" title={b.description}>
                {b.description}
              </span>
            </span>
          </button>
        ))}
        {blueprints.isPending && <div className="muted">Loading blueprints…</div>}
      </div>
      {create.isError && (
        <p className="form-error" role="alert">
          {create.error.message}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
