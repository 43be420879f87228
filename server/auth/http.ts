import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from 'express';
import { parseCookie, stringifySetCookie } from 'cookie';
import { z } from 'zod';
import { sessionCookie, type UserService } from '../services/users';
import type { AuditLog } from '../services/audit';

/** The header the web client (and any script) sends with every tRPC call; a cross-site form cannot set it. */
export const clientHeader = 'x-journeys-client';

export const sessionToken = (req: Request): string | undefined => parseCookie(req.headers.cookie ?? '')[sessionCookie];

const clientIp = (req: Request): string | null => req.ip ?? req.socket.remoteAddress ?? null;

/** The origin this request was addressed to, as a browser would spell it in `Origin`. */
const ownOrigin = (req: Request): string => `${req.protocol}://${req.get('host') ?? ''}`;

/**
 * CSRF: a state-changing request must come from our own pages. A browser sends
 * `Origin` on every cross-site POST, so a foreign Origin is refused; without an
 * Origin (curl, SDKs, older agents) the custom client header must be there,
 * which a cross-site form or a no-CORS fetch cannot add.
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (origin) return origin === ownOrigin(req);
  return req.get(clientHeader) !== undefined;
}

const SignIn = z.object({
  login: z.string({ error: 'login is required' }).min(1, 'login is required').max(200),
  password: z.string({ error: 'password is required' }).min(1, 'password is required').max(200),
});

/** POST /auth/sign-in and /auth/sign-out: the one place a session cookie is set or cleared. */
export function authRoutes(users: UserService, audit: AuditLog): Router {
  const r = express.Router();
  r.use(express.json({ limit: '4kb' }));
  const cookie = (req: Request, res: Response, value: string, expires: Date) =>
    res.append('Set-Cookie', stringifySetCookie({ name: sessionCookie, value, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', expires }));

  r.post('/sign-in', async (req, res) => {
    if (req.get('origin') && !sameOrigin(req)) return void res.status(403).json({ error: 'sign-in from another site is refused' });
    const parsed = SignIn.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.issues[0]?.message ?? 'send {"login","password"}' });
    const meta = { ip: clientIp(req), userAgent: req.get('user-agent') ?? null };
    const result = await users.signIn(parsed.data.login, parsed.data.password, meta, (user) =>
      audit.record({ actor: user, action: 'auth.signIn', objectType: 'user', objectId: user.id, diff: null, requestId: null, ip: meta.ip }),
    );
    if (!result.ok) return void res.status(result.status).json({ error: result.error, messageRef: result.messageRef });
    cookie(req, res, result.token, new Date(result.expiresAt + 7 * 24 * 3600_000));
    res.status(204).end();
  });

  r.post('/sign-out', (req, res) => {
    if (!sameOrigin(req)) return void res.status(403).json({ error: `sign-out needs a same-origin request (or the ${clientHeader} header)` });
    const who = users.authenticate(sessionToken(req));
    users.signOut(sessionToken(req));
    if (who) audit.record({ actor: who.user, action: 'auth.signOut', objectType: 'user', objectId: who.user.id, diff: null, requestId: null, ip: clientIp(req) });
    cookie(req, res, '', new Date(0));
    res.status(204).end();
  });

  // a body that is not JSON or is too large: a JSON refusal like the others, not Express's HTML page with a stack trace
  const refuse: ErrorRequestHandler = (err: { status?: unknown } | null, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) console.error('auth route failed:', err);
    res.status(status).json({ error: status === 413 ? 'the body is too large' : status < 500 ? 'send JSON: {"login","password"}' : 'sign-in failed; try again' });
  };
  r.use(refuse);
  return r;
}

/** /trpc mutations (POST) must pass the same-origin check; queries (GET) change nothing. */
export const csrfGuard: RequestHandler = (req, res, next) => {
  if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req))
    return void res.status(403).json({ error: { message: `cross-site request refused: send it from the app's own origin, or with the ${clientHeader} header`, code: 'FORBIDDEN' } });
  next();
};

export { clientIp };
