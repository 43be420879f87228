import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { useAuth } from '../auth/AuthContext';
import { LoadError, Loading } from '../components/QueryState';
import { NewUserForm } from './NewUserForm';
import { UserRow } from './UserRow';

/** Accounts and their roles (admins only): create, change roles, deactivate, reset a password. */
export function UsersPage() {
  const trpc = useTRPC();
  const { user, can } = useAuth();
  const admin = can('admin');
  const list = useQuery({ ...trpc.users.list.queryOptions(), enabled: admin });

  return (
    <main className="page page--wide">
      <div className="page__header">
        <div>
          <h1>Users</h1>
          <p className="muted">Who may sign in, and what each may do. Deactivating someone ends their sessions at once; the last active admin stays.</p>
        </div>
      </div>
      {!admin ? (
        <div className="placeholder">Managing users needs the admin role.</div>
      ) : list.isPending ? (
        <Loading what="users" />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : (
        <>
          <div className="card">
            <table className="table" aria-label="Users">
              <thead>
                <tr>
                  <th scope="col">Login</th>
                  <th scope="col">Display name</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Active</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">Actions</th>
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
        </>
      )}
    </main>
  );
}
