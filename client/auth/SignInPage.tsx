import { useState, type SubmitEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { Route as RouteIcon } from 'lucide-react';
import { useT } from '../i18n/useT';
import { useErrorText } from '../i18n/serverText';
import { safeNext, signIn } from './session';

/** Login and password, posted to `/auth/sign-in`; then back to where the visitor was sent from (`?next=`). */
export function SignInPage() {
  const t = useT();
  const errorText = useErrorText();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ message: string; data?: unknown } | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const refused = await signIn(login.trim(), password);
      if (refused) {
        setError(refused);
        return;
      }
      // answers cached before sign-in (all refusals) must not outlive it
      qc.clear();
      await navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setPending(false);
    }
  };

  return (
    <main className="signin">
      <form className="card signin__card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div className="brand signin__brand">
          <RouteIcon size={18} aria-hidden />
          <span>{t('layout.brand')}</span>
        </div>
        <h1 id="signin-title">{t('signIn.title')}</h1>
        <label className="field">
          {t('signIn.login')}
          <input type="text" name="login" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus value={login} onChange={(e) => setLogin(e.target.value)} />
        </label>
        <label className="field">
          {t('signIn.password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p className="banner banner--error" role="alert">
            {errorText(error)}
          </p>
        )}
        <button type="submit" className="btn btn--primary signin__submit" disabled={pending}>
          {pending ? t('signIn.pending') : t('signIn.title')}
        </button>
      </form>
    </main>
  );
}
