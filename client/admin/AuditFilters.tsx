import { useT } from '../i18n/useT';
import { auditObjectText } from './auditObjects';
import { useEffect, useEffectEvent, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { useDebounced } from '../components/useDebounced';
import type { AuditFilterValues } from './auditFilters';

/** Who, what, which object and when: the audit log's filters (choices from `audit.facets`). */
export function AuditFilters({ value, onChange }: { value: AuditFilterValues; onChange: (k: keyof AuditFilterValues, v: string) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const facets = useQuery(trpc.audit.facets.queryOptions());
  // the object id is typed: wait for a pause before it filters
  const [objectId, setObjectId] = useState(value.objectId);
  const typed = useDebounced(objectId, 300);
  // a pause in typing drives this, not the URL or a new onChange: those are read, not watched
  const filterBy = useEffectEvent((id: string) => {
    if (id !== value.objectId) onChange('objectId', id.trim());
  });
  useEffect(() => filterBy(typed), [typed]);

  return (
    <form className="filters" aria-label={t('audit.filter')} onSubmit={(e) => e.preventDefault()}>
      <label>
        {t('audit.user')}
        <select value={value.actor} onChange={(e) => onChange('actor', e.target.value)}>
          <option value="">{t('audit.everyone')}</option>
          {facets.data?.actors.map((a) => (
            <option key={a.login} value={a.login}>
              {a.displayName} ({a.login})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('audit.col.action')}
        <select value={value.action} onChange={(e) => onChange('action', e.target.value)}>
          <option value="">{t('audit.anyAction')}</option>
          {facets.data?.actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('audit.objectType')}
        <select value={value.objectType} onChange={(e) => onChange('objectType', e.target.value)}>
          <option value="">{t('audit.anyObject')}</option>
          {facets.data?.objectTypes.map((o) => (
            <option key={o} value={o}>
              {auditObjectText(t, o)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('audit.objectId')}
        <input type="search" value={objectId} placeholder={t('audit.objectId.placeholder')} onChange={(e) => setObjectId(e.target.value)} />
      </label>
      <label>
        {t('audit.from')}
        <input type="date" className="filters__date" value={value.from} max={value.to || undefined} onChange={(e) => onChange('from', e.target.value)} />
      </label>
      <label>
        {t('audit.to')}
        <input type="date" className="filters__date" value={value.to} min={value.from || undefined} onChange={(e) => onChange('to', e.target.value)} />
      </label>
    </form>
  );
}
