import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Plus, Search } from 'lucide-react';
import { channelLabels, channels, type Channel } from '../../shared/journey/channels';
import { channelIcons } from '../canvas/icons';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';

/** The template library, by channel, with search: where copywriters start. */
export function TemplatesPage() {
  const trpc = useTRPC();
  const list = useQuery(trpc.templates.list.queryOptions());
  const [q, setQ] = useState('');
  const navigate = useNavigate();
  const [creating, setCreating] = useState<Channel | ''>('');
  const writes = useAuth().can('copywriter');
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const rows = (list.data ?? []).filter((t) => !needle || `${t.key} ${t.name} ${t.description}`.toLowerCase().includes(needle));
    return channels.map((ch) => ({ channel: ch, rows: rows.filter((t) => t.channel === ch) })).filter((g) => g.rows.length > 0);
  }, [list.data, q]);

  return (
    <main className="page">
      <div className="page__header">
        <div>
          <h1>Templates</h1>
          <p className="muted">The copy every journey sends, with its A/B variants. Saving makes a new version; messages record the version they used.</p>
        </div>
        {writes && (
          <div className="page__actions">
            <select aria-label="Channel of the new template" value={creating} onChange={(e) => setCreating(e.target.value as Channel | '')}>
              <option value="">New template for…</option>
              {channels.map((c) => (
                <option key={c} value={c}>
                  {channelLabels[c]}
                </option>
              ))}
            </select>
            <button type="button" className="btn btn--primary" disabled={!creating} onClick={() => creating && void navigate(`/templates/new?channel=${creating}`)}>
              <Plus size={15} aria-hidden /> New template
            </button>
          </div>
        )}
      </div>
      <label className="search">
        <Search size={15} aria-hidden />
        <input type="search" placeholder="Search by key, name or description" aria-label="Search templates" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      {list.isPending ? (
        <Loading what="templates" />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : groups.length === 0 ? (
        <div className="placeholder">No template matches “{q}”.</div>
      ) : (
        groups.map((g) => {
          const Icon = channelIcons[g.channel];
          return (
            <section key={g.channel} className="card tgroup" aria-label={`${channelLabels[g.channel]} templates`}>
              <h2 className="tgroup__title">
                <Icon size={16} aria-hidden /> {channelLabels[g.channel]} <span className="count">{g.rows.length}</span>
              </h2>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Template</th>
                    <th scope="col">Variants</th>
                    <th scope="col">Category</th>
                    <th scope="col" className="num">
                      Version
                    </th>
                    <th scope="col">Changed</th>
                  </tr>
                </thead>
                <tbody>
                  {g.rows.map((t) => (
                    <tr key={t.key}>
                      <td>
                        <Link to={`/templates/${encodeURIComponent(t.key)}`} className="table__name">
                          {t.name}
                        </Link>
                        <div className="table__sub">
                          <code>{t.key}</code> · {t.locale}
                          {t.description ? ` · ${t.description}` : ''}
                        </div>
                      </td>
                      <td>{t.variants.map((v) => `${v.key.toUpperCase()} ${v.weight}%`).join(' · ')}</td>
                      <td>{t.category}</td>
                      <td className="num">v{t.version}</td>
                      <td className="muted">
                        <RelativeTime ms={t.updatedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          );
        })
      )}
    </main>
  );
}
