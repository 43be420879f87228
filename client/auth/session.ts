/**
 * The session as the browser sees it: plain HTTP routes beside tRPC
 * (`/auth/sign-in`, `/auth/sign-out`), and the trip to the sign-in page when
 * the server says the session is gone.
 */

export const signInPath = '/sign-in';

/** Only a path on this site may follow sign-in, so `?next=https://evil.example` goes home instead (open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith(signInPath) ? next : '/';
}

/** `/sign-in?next=<where we are>` */
export function signInUrl(here: { pathname: string; search: string; hash: string } = window.location): string {
  const next = here.pathname + here.search + here.hash;
  return next === '/' || here.pathname.startsWith(signInPath) ? signInPath : `${signInPath}?next=${encodeURIComponent(next)}`;
}

let leaving = false;

/**
 * Sends the browser to sign in, coming back here afterwards. A full page load,
 * not a router navigation: it drops every cached answer of the old session.
 * Many calls fail at once when a session ends; the first one leaves.
 */
export function redirectToSignIn(): void {
  if (leaving || window.location.pathname.startsWith(signInPath)) return;
  leaving = true;
  window.location.assign(signInUrl());
}

/** Signs in; resolves to null on success, else the server's reason. */
export async function signIn(login: string, password: string): Promise<{ message: string; data: { messageRef: unknown } } | null> {
  const res = await fetch('/auth/sign-in', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-journeys-client': 'web' },
    body: JSON.stringify({ login, password }),
  });
  if (res.status === 204 || res.ok) return null;
  const body: unknown = await res.json().catch(() => null);
  const error = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : '';
  // the refusal by its code too, for the page to word in the reader's language (client/i18n/serverText.ts)
  const messageRef = typeof body === 'object' && body !== null && 'messageRef' in body ? body.messageRef : null;
  return { message: error || `sign-in failed (HTTP ${res.status})`, data: { messageRef } };
}

/** Ends the session on the server, then reloads at the sign-in page (whatever the answer: the cookie is gone or useless). */
export async function signOut(): Promise<void> {
  try {
    await fetch('/auth/sign-out', { method: 'POST', credentials: 'same-origin', headers: { 'x-journeys-client': 'web' } });
  } finally {
    leaving = true;
    window.location.assign(signInPath);
  }
}
