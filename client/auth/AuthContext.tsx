import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { hasRole, type Role } from '../../shared/auth/roles';
import type { RouterOutputs } from '../trpc';

export type Me = RouterOutputs['auth']['me'];

export interface Auth {
  user: Me;
  /** Would the server let this user do what `role` may? Hides what it would refuse; the server still checks. */
  can: (role: Role) => boolean;
}

const AuthContext = createContext<Auth | null>(null);

/** The signed-in user for everything below (the Layout provides it once `auth.me` answers). */
export function AuthProvider({ user, children }: { user: Me; children: ReactNode }) {
  const value = useMemo<Auth>(() => ({ user, can: (role) => hasRole(user.roles, role) }), [user]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The signed-in user and `can(role)`. Only inside the Layout (or a story's AuthProvider). */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an <AuthProvider> above it (the Layout provides one)');
  return auth;
}
