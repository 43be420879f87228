import { useT } from '../i18n/useT';
import { useState, type SubmitEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { passwordMin, type Role } from '../../shared/auth/roles';
import { useTRPC } from '../trpc';
import { useErrorText } from '../i18n/serverText';
import { RoleChecks, orViewer } from './RoleChecks';

/** Creates an account; the admin passes the first password on, and the new user can change it. */
export function NewUserForm() {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [login, setLogin] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [held, setHeld] = useState<Role[]>([]);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setLogin('');
        setDisplayName('');
        setPassword('');
        setHeld([]);
        return qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate({ login: login.trim(), displayName: displayName.trim(), password, roles: orViewer(held) });
  };

  return (
    <section className="card" aria-labelledby="new-user">
      <h2 id="new-user">{t('users.new')}</h2>
      <form className="userform" aria-labelledby="new-user" onSubmit={submit}>
        <label className="field">
          {t('signIn.login')}
          <input type="text" autoComplete="off" autoCapitalize="none" spellCheck={false} required value={login} onChange={(e) => setLogin(e.target.value)} />
        </label>
        <label className="field">
          {t('users.displayName')}
          <input type="text" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label className="field">
          {t('signIn.password')}
          <input type="password" autoComplete="new-password" required minLength={passwordMin} value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <RoleChecks value={held} onChange={setHeld} />
        {create.isError && (
          <p className="banner banner--error userform__wide" role="alert">
            {errorText(create.error)}
          </p>
        )}
        {create.isSuccess && !create.isPending && (
          <p className="banner banner--ok userform__wide" role="status">
            {t('users.created')}
          </p>
        )}
        <div className="userform__wide">
          <button type="submit" className="btn btn--primary" disabled={create.isPending}>
            <UserPlus size={15} aria-hidden /> {t('users.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
