import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTRPC, useTRPCClient, type JourneyDetail } from '../trpc';

/**
 * Rename and re-describe a journey. Only what changed is sent (a rename and a
 * description are separate audited changes); the journey and the list are
 * refreshed before the dialog closes.
 */
export function JourneyDetailsDialog({ journey, onClose }: { journey: Pick<JourneyDetail, 'id' | 'name' | 'description'>; onClose: () => void }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [name, setName] = useState(journey.name);
  const [description, setDescription] = useState(journey.description);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      if (name.trim() !== journey.name) await client.journeys.rename.mutate({ id: journey.id, name });
      if (description.trim() !== journey.description) await client.journeys.describe.mutate({ id: journey.id, description });
      await Promise.all([qc.invalidateQueries({ queryKey: trpc.journeys.get.queryKey({ id: journey.id }) }), qc.invalidateQueries({ queryKey: trpc.journeys.list.queryKey() })]);
      dialog.current?.close();
    } catch (err) {
      setError(err instanceof Error ? errorText(err) : String(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{t('details.title')}</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('journeys.col.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        </label>
        <label className="field">
          <span>{t('details.description')}</span>
          <textarea className="field__text" value={description} onChange={(e) => setDescription(e.target.value)} rows={4} maxLength={1000} placeholder={t('details.description.placeholder')} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="btn" onClick={() => dialog.current?.close()}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={saving || !name.trim()}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
