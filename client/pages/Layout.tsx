import { NavLink, Outlet } from 'react-router';
import { Route as RouteIcon } from 'lucide-react';

/** App frame: the top bar and the page below it. */
export function Layout() {
  return (
    <div className="app">
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
          <NavLink to="/outbox">Outbox</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
      </header>
      <Outlet />
    </div>
  );
}
