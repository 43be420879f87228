import { msg } from '../i18n/messageIds';
import { useT } from '../i18n/useT';
import { channelMessages } from '../i18n/registryMessages';
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Plus, Search } from 'lucide-react';
import { channels, type Channel } from '../../shared/journey/channels';
import { channelIcons } from '../canvas/icons';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';

/** The template library, by channel, with search: where copywriters start. */
export function TemplatesPage() {
  const t = useT();
  // a row's template is `t` below: this is the translator there
  const tr = t;
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
          <h1>{t('layout.nav.templates')}</h1>
          <p className="muted">{t('templates.lede')}</p>
        </div>
        {writes && (
          <div className="page__actions">
            <select aria-label={t('templates.newChannel')} value={creating} onChange={(e) => setCreating(e.target.value as Channel | '')}>
              <option value="">{t('templates.newFor')}</option>
              {channels.map((c) => (
                <option key={c} value={c}>
                  {t(channelMessages[c])}
                </option>
              ))}
            </select>
            <button type="button" className="btn btn--primary" disabled={!creating} onClick={() => creating && void navigate(`/templates/new?channel=${creating}`)}>
              <Plus size={15} aria-hidden /> {t('templates.new')}
            </button>
          </div>
        )}
      </div>
      <label className="search">
        <Search size={15} aria-hidden />
        <input type="search" placeholder={t('templates.search.placeholder')} aria-label={t('templates.search')} value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      {list.isPending ? (
        <Loading what={t('templates.loading')} />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : groups.length === 0 ? (
        <div className="placeholder">{t('templates.noMatch', { q })}</div>
      ) : (
        groups.map((g) => {
          const Icon = channelIcons[g.channel];
          return (
            <section key={g.channel} className="card tgroup" aria-label={t('templates.group', { channel: t(channelMessages[g.channel]) })}>
              <h2 className="tgroup__title">
                <Icon size={16} aria-hidden /> {t(channelMessages[g.channel])} <span className="count">{g.rows.length}</span>
              </h2>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('field.template')}</th>
                    <th scope="col">{t('preview.variants')}</th>
                    <th scope="col">{t('templates.category')}</th>
                    <th scope="col" className="num">
                      {t('journeys.col.version')}
                    </th>
                    <th scope="col">{t('templates.changed')}</th>
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
                      <td>{tr(t.category === 'transactional' ? msg('templates.category.transactional') : msg('templates.category.marketing'))}</td>
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
