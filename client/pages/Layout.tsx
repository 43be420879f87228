import { NavLink, Outlet } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { LogOut, Route as RouteIcon } from 'lucide-react';
import { useTRPC, trpcErrorCode } from '../trpc';
import { AuthProvider, useAuth } from '../auth/AuthContext';
import { useMe } from '../auth/useMe';
import { signOut } from '../auth/session';
import { LoadError, Loading } from '../components/QueryState';
import { ChannelHealthBanner } from '../outbox/ChannelHealthBanner';

/** App frame: the top bar and the page below it, for a signed-in user (without a session the tRPC client sends the browser to sign in). */
export function Layout() {
  const me = useMe();
  if (me.isPending) return <Loading what="your account" />;
  // no session: the tRPC client is already on its way to /sign-in
  if (me.isError) return trpcErrorCode(me.error) === 'UNAUTHORIZED' ? <Loading what="the sign-in page" /> : <LoadError error={me.error} />;
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
  const { user, can } = useAuth();
  return (
    <header className="topbar">
      <NavLink to="/" className="brand">
        <RouteIcon size={18} aria-hidden />
        <span>Lifecycle Journeys</span>
      </NavLink>
      <nav className="topbar__nav" aria-label="Main">
        <NavLink to="/" end>
          Journeys
        </NavLink>
        <NavLink to="/templates">Templates</NavLink>
        <NavLink to="/contacts">Contacts</NavLink>
        {can('analyst') && <NavLink to="/outbox">Outbox</NavLink>}
        {can('analyst') && <NavLink to="/dead-letters">Dead letters</NavLink>}
        <ApprovalsLink />
        {can('analyst') && <NavLink to="/audit">Audit</NavLink>}
        {can('admin') && <NavLink to="/users">Users</NavLink>}
        <NavLink to="/settings">Settings</NavLink>
      </nav>
      <div className="topbar__user">
        <span title={`${user.login} · ${user.roles.join(', ')}`}>{user.displayName}</span>
        <button type="button" className="topbar__signout" onClick={() => void signOut()}>
          <LogOut size={14} aria-hidden /> Sign out
        </button>
      </div>
    </header>
  );
}

/** Approvals, with how many requests wait (anyone may read them; approvers act on them). */
function ApprovalsLink() {
  const trpc = useTRPC();
  const pending = useQuery({ ...trpc.approvals.pendingCount.queryOptions(), refetchInterval: 30_000 });
  const n = pending.data ?? 0;
  // the link's name stays exactly "Approvals"; the count is its description
  return (
    <NavLink to="/approvals" aria-describedby={n > 0 ? 'approvals-pending' : undefined}>
      Approvals
      {n > 0 && (
        <>
          <span className="count count--nav" aria-hidden="true">
            {n}
          </span>
          <span id="approvals-pending" hidden>
            {n} pending
          </span>
        </>
      )}
    </NavLink>
  );
}
