import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { useId, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useDebounced } from '../components/useDebounced';
import './trace.css';

type Hit = RouterOutputs['contacts']['search'][number];

/** A contact as a line of the picker: the user id, then the name and phone as the caller may see them. */
const line = (h: Hit) => [h.externalId ?? `anonymous ${h.anonymousId ?? ''}`, h.name, h.phone].filter(Boolean).join(' · ');

/**
 * One real contact, found as the Contacts page finds them (user id, phone or
 * name, by prefix): the contact a test send's copy or a trace is about.
 * Only contacts with a user id can be chosen (the API names them by it).
 */
export function ContactPicker({ label, value, onChange }: { label: string; value: string | null; onChange: (externalId: string | null) => void }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const id = useId();
  const [q, setQ] = useState('');
  const debounced = useDebounced(q.trim(), 200);
  const hits = useQuery({ ...trpc.contacts.search.queryOptions({ q: debounced, limit: 8 }), placeholderData: keepPreviousData, enabled: value === null });
  if (value !== null)
    return (
      <div className="field">
        <span>{label}</span>
        <div className="cpick__chosen">
          <strong aria-label={t('picker.chosen', { label })}>{value}</strong>
          <button type="button" className="btn btn--small" onClick={() => onChange(null)}>
            {t('picker.change')}
          </button>
        </div>
      </div>
    );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={q} placeholder={t('contacts.search.placeholder')} onChange={(e) => setQ(e.target.value)} />
      {hits.isError && <span className="sf__errors">{errorText(hits.error)}</span>}
      {hits.data && hits.data.length === 0 && debounced && <span className="muted">{t('contacts.noMatch', { q: debounced })}</span>}
      {hits.data && hits.data.length > 0 && (
        <ul className="cpick__hits" aria-label={t('picker.matches', { label })}>
          {hits.data
            .filter((h) => h.externalId !== null)
            .map((h) => (
              <li key={h.id}>
                <button type="button" className="cpick__hit" onClick={() => onChange(h.externalId)}>
                  {line(h)}
                </button>
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}
