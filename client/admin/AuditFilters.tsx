import { useEffect, useEffectEvent, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { useDebounced } from '../components/useDebounced';
import type { AuditFilterValues } from './auditFilters';

/** Who, what, which object and when: the audit log's filters (choices from `audit.facets`). */
export function AuditFilters({ value, onChange }: { value: AuditFilterValues; onChange: (k: keyof AuditFilterValues, v: string) => void }) {
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
    <form className="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
      <label>
        User
        <select value={value.actor} onChange={(e) => onChange('actor', e.target.value)}>
          <option value="">Everyone</option>
          {facets.data?.actors.map((a) => (
            <option key={a.login} value={a.login}>
              {a.displayName} ({a.login})
            </option>
          ))}
        </select>
      </label>
      <label>
        Action
        <select value={value.action} onChange={(e) => onChange('action', e.target.value)}>
          <option value="">Any action</option>
          {facets.data?.actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Object type
        <select value={value.objectType} onChange={(e) => onChange('objectType', e.target.value)}>
          <option value="">Any object</option>
          {facets.data?.objectTypes.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Object id
        <input type="search" value={objectId} placeholder="e.g. a journey id" onChange={(e) => setObjectId(e.target.value)} />
      </label>
      <label>
        From
        <input type="date" className="filters__date" value={value.from} max={value.to || undefined} onChange={(e) => onChange('from', e.target.value)} />
      </label>
      <label>
        To
        <input type="date" className="filters__date" value={value.to} min={value.from || undefined} onChange={(e) => onChange('to', e.target.value)} />
      </label>
    </form>
  );
}
