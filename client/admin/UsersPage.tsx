import { useT } from '../i18n/useT';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { NewUserForm } from './NewUserForm';
import { UserRow } from './UserRow';
import { AgentStaffing } from '../agent/AgentStaffing';

/** Accounts and their roles (admins only): create, change roles, deactivate, reset a password. */
export function UsersPage() {
  const t = useT();
  const trpc = useTRPC();
  const { user, can } = useAuth();
  const admin = can('admin');
  const list = useQuery({ ...trpc.users.list.queryOptions(), enabled: admin });

  return (
    <main className="page page--wide">
      <div className="page__header">
        <div>
          <h1>{t('layout.nav.users')}</h1>
          <p className="muted">{t('users.lede')}</p>
        </div>
      </div>
      {!admin ? (
        <div className="placeholder">{t('users.adminOnly')}</div>
      ) : list.isPending ? (
        <Loading what={t('users.loading')} />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : (
        <>
          <div className="card">
            <table className="table" aria-label={t('layout.nav.users')}>
              <thead>
                <tr>
                  <th scope="col">{t('signIn.login')}</th>
                  <th scope="col">{t('users.displayName')}</th>
                  <th scope="col">{t('users.roles')}</th>
                  <th scope="col">{t('users.active')}</th>
                  <th scope="col">{t('users.lastSignIn')}</th>
                  <th scope="col">{t('deadLetters.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((u) => (
                  <UserRow key={u.id} user={u} isMe={u.id === user.id} />
                ))}
              </tbody>
            </table>
          </div>
          <NewUserForm />
          <AgentStaffing />
        </>
      )}
    </main>
  );
}
