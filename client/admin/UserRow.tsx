import { useT } from '../i18n/useT';
import { useState, type SubmitEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { passwordMin, type Role } from '../../shared/auth/roles';
import { useTRPC, type RouterOutputs } from '../trpc';
import { RelativeTime } from '../components/RelativeTime';
import { useErrorText } from '../i18n/serverText';
import { RoleChecks, orViewer, roleLabels } from './RoleChecks';

export type UserSummary = RouterOutputs['users']['list'][number];

/** One account: its facts, and the admin's edits in place (roles, active, a new password). */
export function UserRow({ user: u, isMe }: { user: UserSummary; isMe: boolean }) {
  const t = useT();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState<'roles' | 'password' | null>(null);
  const [held, setHeld] = useState<Role[]>(u.roles);
  const [password, setPassword] = useState('');
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setOpen(null);
      },
    }),
  );
  const reset = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: () => {
        setPassword('');
        setOpen(null);
      },
    }),
  );
  const failed = update.error ?? reset.error;
  const toggle = (what: 'roles' | 'password') => {
    update.reset();
    reset.reset();
    setHeld(u.roles);
    setOpen((o) => (o === what ? null : what));
  };
  const saveRoles = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    update.mutate({ id: u.id, roles: orViewer(held) });
  };
  const setPasswordNow = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    reset.mutate({ id: u.id, password });
  };

  return (
    <tr className={u.active ? undefined : 'user--inactive'}>
      <td>
        <code>{u.login}</code>
        {isMe && <span className="muted"> {t('users.you')}</span>}
      </td>
      <td>{u.displayName}</td>
      <td>{roleLabels(t, u.roles)}</td>
      <td>{u.active ? t('users.active') : <span className="muted">{t('users.deactivated')}</span>}</td>
      <td className="muted nowrap">{u.lastSignInAt === null ? t('users.never') : <RelativeTime ms={u.lastSignInAt} />}</td>
      <td className="user__actions">
        <div className="user__buttons">
          <button type="button" className="btn btn--small" aria-label={t('users.editRoles.of', { login: u.login })} aria-expanded={open === 'roles'} onClick={() => toggle('roles')}>
            {t('users.editRoles')}
          </button>
          <button type="button" className="btn btn--small" aria-label={t('users.resetPassword.of', { login: u.login })} aria-expanded={open === 'password'} onClick={() => toggle('password')}>
            {t('users.resetPassword')}
          </button>
          <button
            type="button"
            className="btn btn--small"
            aria-label={u.active ? t('users.deactivate.of', { login: u.login }) : t('users.activate.of', { login: u.login })}
            disabled={update.isPending}
            onClick={() => update.mutate({ id: u.id, active: !u.active })}
          >
            {u.active ? t('users.deactivate') : t('users.activate')}
          </button>
        </div>
        {open === 'roles' && (
          <form className="user__edit" aria-label={t('users.roles.of', { login: u.login })} onSubmit={saveRoles}>
            <RoleChecks value={held} onChange={setHeld} legend={t('users.roles.of', { login: u.login })} />
            <button type="submit" className="btn btn--primary btn--small" disabled={update.isPending}>
              {t('users.saveRoles')}
            </button>
          </form>
        )}
        {open === 'password' && (
          <form className="user__edit" aria-label={t('users.resetThePassword.of', { login: u.login })} onSubmit={setPasswordNow}>
            <label>
              {t('users.newPassword')}
              <input type="password" autoComplete="new-password" required minLength={passwordMin} value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
            <button type="submit" className="btn btn--primary btn--small" disabled={reset.isPending}>
              {t('users.savePassword')}
            </button>
          </form>
        )}
        {reset.isSuccess && (
          <p className="user__done" role="status">
            {t('users.passwordReset')}
          </p>
        )}
        {failed && (
          <p className="form-error" role="alert">
            {errorText(failed)}
          </p>
        )}
      </td>
    </tr>
  );
}
