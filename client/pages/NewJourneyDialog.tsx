import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { FilePlus2, LayoutTemplate } from 'lucide-react';
import { useTRPC } from '../trpc';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';

/**
 * Starts a journey: blank, or a copy of one of the shipped blueprints. On
 * success it opens the new journey on the canvas.
 */
export function NewJourneyDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const errorText = useErrorText();
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
      <h2 id={titleId}>{t('journeys.new')}</h2>
      <label className="field">
        <span>{t('newJourney.name')}</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('newJourney.name.placeholder')} maxLength={120} />
      </label>
      <div className="choices">
        <button type="button" className="choice" disabled={create.isPending} onClick={() => start()}>
          <FilePlus2 size={18} aria-hidden />
          <span>
            <strong>{t('newJourney.blank')}</strong>
            <span className="muted">{t('newJourney.blank.help')}</span>
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
        {blueprints.isPending && <div className="muted">{t('common.loading', { what: t('newJourney.blueprints') })}</div>}
      </div>
      {create.isError && (
        <p className="form-error" role="alert">
          {errorText(create.error)}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}
