import { NavLink, Outlet } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { LogOut, Route as RouteIcon } from 'lucide-react';
import { useTRPC, trpcErrorCode } from '../trpc';
import { AuthProvider, useAuth } from '../auth/AuthContext';
import { useMe } from '../auth/useMe';
import { signOut } from '../auth/session';
import { LoadError, Loading } from '../components/QueryState';
import { ChannelHealthBanner } from '../outbox/ChannelHealthBanner';
import { useLearnLocale } from '../i18n/useLearnLocale';
import { LocaleSwitcher } from '../i18n/LocaleSwitcher';
import { useT } from '../i18n/useT';

/** App frame: the top bar and the page below it, for a signed-in user (without a session the tRPC client sends the browser to sign in). */
export function Layout() {
  const t = useT();
  const me = useMe();
  useLearnLocale(me.data?.locale);
  if (me.isPending) return <Loading what={t('layout.loading.account')} />;
  // no session: the tRPC client is already on its way to /sign-in
  if (me.isError) return trpcErrorCode(me.error) === 'UNAUTHORIZED' ? <Loading what={t('layout.loading.signIn')} /> : <LoadError error={me.error} />;
  return (
    <AuthProvider user={me.data}>
      <div className="app">
        <TopBar />
        <ChannelHealthBanner />
        <Outlet />
      </div>
    </AuthProvider>
  );
}

function TopBar() {
  const t = useT();
  const { user, can } = useAuth();
  return (
    <header className="topbar">
      <NavLink to="/" className="brand">
        <RouteIcon size={18} aria-hidden />
        <span>{t('layout.brand')}</span>
      </NavLink>
      <nav className="topbar__nav" aria-label={t('layout.nav.main')}>
        <NavLink to="/" end>
          {t('layout.nav.journeys')}
        </NavLink>
        <NavLink to="/templates">{t('layout.nav.templates')}</NavLink>
        <NavLink to="/contacts">{t('layout.nav.contacts')}</NavLink>
        {can('analyst') && <NavLink to="/outbox">{t('layout.nav.outbox')}</NavLink>}
        {can('analyst') && <NavLink to="/dead-letters">{t('layout.nav.deadLetters')}</NavLink>}
        <ApprovalsLink />
        {(can('agent') || can('analyst')) && <NavLink to="/agent">{t('agent.nav')}</NavLink>}
        {can('analyst') && <NavLink to="/audit">{t('layout.nav.audit')}</NavLink>}
        {can('admin') && <NavLink to="/users">{t('layout.nav.users')}</NavLink>}
        <NavLink to="/settings">{t('layout.nav.settings')}</NavLink>
      </nav>
      <div className="topbar__user">
        <LocaleSwitcher />
        <span title={`${user.login} · ${user.roles.join(', ')}`}>{user.displayName}</span>
        <button type="button" className="topbar__signout" onClick={() => void signOut()}>
          <LogOut size={14} aria-hidden /> {t('layout.signOut')}
        </button>
      </div>
    </header>
  );
}

/** Approvals, with how many requests wait (anyone may read them; approvers act on them). */
function ApprovalsLink() {
  const t = useT();
  const trpc = useTRPC();
  const pending = useQuery({ ...trpc.approvals.pendingCount.queryOptions(), refetchInterval: 30_000 });
  const n = pending.data ?? 0;
  // the link's name stays exactly "Approvals" (审批); the count is its description
  return (
    <NavLink to="/approvals" aria-describedby={n > 0 ? 'approvals-pending' : undefined}>
      {t('layout.nav.approvals')}
      {n > 0 && (
        <>
          <span className="count count--nav" aria-hidden="true">
            {n}
          </span>
          <span id="approvals-pending" hidden>
            {t('layout.approvals.pending', { n })}
          </span>
        </>
      )}
    </NavLink>
  );
}
