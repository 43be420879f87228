import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';
import { Login, Password, Role, hasRole, type Role as RoleT } from '../../shared/auth/roles';
import { defaultCost, generatePassword, hashPassword, verifyPassword, verifyPasswordSync, type PasswordCost } from '../auth/passwords';
import { createFailureCounter } from '../auth/rateLimit';
import { notFound, refuse } from './errors';
import { serverMessageText, type ParamsOf, type ServerMessage } from '../../shared/i18n/serverMessages';
import { Locale, type Locale as LocaleT } from '../../shared/i18n/locales';
import { z } from 'zod';

export interface User {
  id: string;
  login: string;
  displayName: string;
  roles: RoleT[];
  active: boolean;
  createdAt: number;
  lastSignInAt: number | null;
  /** the UI language the user chose; null: none (the browser's language, else the workspace's default) */
  locale: LocaleT | null;
}

export const NewUser = z.object({
  login: Login,
  displayName: z.string().trim().min(1, 'a display name is required').max(80, 'a display name has at most 80 characters'),
  password: Password,
  roles: z.array(Role).min(1, 'give the user at least one role'),
});
export type NewUser = z.infer<typeof NewUser>;

export interface UsersDeps {
  db: Db;
  /** wall-clock time for sessions and lock-outs: real time even when the journey clock is fake */
  wallNow?: () => number;
  passwordCost?: PasswordCost;
  /** idle expiry (sliding) and absolute limit of a session */
  session?: { idleMs?: number; maxMs?: number };
}

export const sessionCookie = 'jb_session';
const hour = 3600_000;
const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** A refused sign-in: its English `error`, and the same by its stable code (shared/i18n/serverMessages.ts) for the sign-in page to word. */
export type SignInResult = { ok: true; token: string; user: User; expiresAt: number } | { ok: false; status: 401 | 403 | 429; error: string; messageRef: ServerMessage };

const refusedSignIn = <C extends 'wrong_login' | 'sign_in_locked' | 'account_deactivated'>(status: 401 | 403 | 429, code: C, params: ParamsOf<C>): SignInResult => ({
  ok: false,
  status,
  error: serverMessageText(code, params),
  messageRef: { code, params: params as ServerMessage['params'] },
});

/** Accounts and their sessions. Passwords are kept as scrypt hashes and never leave this module. */
export function createUserService({ db, wallNow = Date.now, passwordCost = defaultCost, session = {} }: UsersDeps) {
  const idleMs = session.idleMs ?? 12 * hour;
  const maxMs = session.maxMs ?? 7 * 24 * hour;
  const byLogin = createFailureCounter({ max: 5, windowMs: 15 * 60_000 });
  const byIp = createFailureCounter({ max: 30, windowMs: 15 * 60_000 });
  // verified when the login is unknown, so a wrong login takes as long as a wrong password
  let decoy: string | undefined;
  const decoyHash = (): string => (decoy ??= hashPassword(randomBytes(16).toString('hex'), passwordCost));
  const publicFields = {
    id: users.id,
    login: users.login,
    displayName: users.displayName,
    roles: users.roles,
    active: users.active,
    createdAt: users.createdAt,
    lastSignInAt: users.lastSignInAt,
    locale: users.locale,
  };

  // a stored value this version does not speak (or none) reads as no choice
  const localeOf = (v: string | null): LocaleT | null => Locale.safeParse(v).data ?? null;
  const get = (id: string): User => {
    const u = db.select(publicFields).from(users).where(eq(users.id, id)).get();
    if (!u) throw notFound('user', id);
    return { ...u, locale: localeOf(u.locale) };
  };
  const activeAdmins = (): number =>
    db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(and(eq(users.active, true), sql`exists (select 1 from json_each(${users.roles}) where value = 'admin')`))
      .get()?.n ?? 0;
  const endSessions = (userId: string): void => void db.delete(sessions).where(eq(sessions.userId, userId)).run();
  // every API call authenticates: one prepared statement, not a query built per call
  const sessionOf = db.$client.prepare<
    [string, number],
    {
      id: string;
      login: string;
      display_name: string;
      roles: string;
      active: number;
      created_at: number;
      last_sign_in_at: number | null;
      locale: string | null;
      expires_at: number;
      session_created_at: number;
    }
  >(
    `select u.id, u.login, u.display_name, u.roles, u.active, u.created_at, u.last_sign_in_at, u.locale, s.expires_at, s.created_at session_created_at
     from sessions s join users u on u.id = s.user_id where s.token_hash = ? and s.expires_at > ?`,
  );
  // a transaction of its own, so it takes the write lock like any other write (db/writeGate.ts)
  const slide = db.$client.transaction((expiresAt: number, id: string) => db.update(sessions).set({ expiresAt }).where(eq(sessions.tokenHash, id)).run());

  const service = {
    get,
    list: (): User[] =>
      db
        .select(publicFields)
        .from(users)
        .orderBy(asc(users.login))
        .all()
        .map((u) => ({ ...u, locale: localeOf(u.locale) })),
    count: (): number =>
      db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .get()?.n ?? 0,

    create(input: NewUser): { id: string } {
      const u = NewUser.parse(input);
      if (db.select({ id: users.id }).from(users).where(eq(users.login, u.login)).get()) throw refuse('CONFLICT', 'login_taken', { login: u.login });
      const id = randomUUID();
      const now = wallNow();
      db.insert(users)
        .values({ id, login: u.login, displayName: u.displayName, passwordHash: hashPassword(u.password, passwordCost), roles: [...new Set(u.roles)], active: true, createdAt: now, updatedAt: now })
        .run();
      return { id };
    },

    /** Roles, name, active. Deactivating ends the user's sessions at once; the last active admin stays. */
    update(id: string, change: { displayName?: string; roles?: RoleT[]; active?: boolean }): User {
      const before = get(id);
      const after = { ...before, ...change, roles: change.roles ? [...new Set(change.roles)] : before.roles };
      if (after.roles.length === 0) throw refuse('BAD_REQUEST', 'user_needs_role', {});
      const wasAdmin = before.active && before.roles.includes('admin');
      const staysAdmin = after.active && after.roles.includes('admin');
      if (wasAdmin && !staysAdmin && activeAdmins() <= 1) throw refuse('CONFLICT', 'last_admin', { login: before.login });
      db.update(users).set({ displayName: after.displayName, roles: after.roles, active: after.active, updatedAt: wallNow() }).where(eq(users.id, id)).run();
      if (!after.active) endSessions(id);
      return get(id);
    },

    /** A new password; the user's sessions end (whoever knew the old one is signed out), but for `keep`: the one that changed it. */
    setPassword(id: string, password: string, keep: string | null = null): void {
      get(id);
      db.update(users)
        .set({ passwordHash: hashPassword(Password.parse(password), passwordCost), updatedAt: wallNow() })
        .where(eq(users.id, id))
        .run();
      if (keep)
        db.delete(sessions)
          .where(and(eq(sessions.userId, id), ne(sessions.tokenHash, keep)))
          .run();
      else endSessions(id);
    },

    /**
     * Check a login and password, rate-limited per login and per IP (5 and 30
     * failures in 15 minutes); a success starts a session whose token is
     * returned once and stored only as its hash.
     */
    async signIn(login: string, password: string, meta: { ip: string | null; userAgent: string | null }, record?: (user: User) => void): Promise<SignInResult> {
      const now = wallNow();
      const name = login.trim().toLowerCase();
      const ipKey = meta.ip ?? 'unknown';
      const wait = Math.max(byLogin.blockedFor(name, now), byIp.blockedFor(ipKey, now));
      if (wait > 0) return refusedSignIn(429, 'sign_in_locked', { minutes: Math.max(1, Math.ceil(wait / 60_000)) });
      const row = db.select().from(users).where(eq(users.login, name)).get();
      const good = await verifyPassword(password, row?.passwordHash ?? decoyHash());
      if (!row || !good) {
        byLogin.fail(name, now);
        byIp.fail(ipKey, now);
        return refusedSignIn(401, 'wrong_login', {});
      }
      if (!row.active) return refusedSignIn(403, 'account_deactivated', { login: row.login });
      // expired sessions go when someone signs in, so the table holds about the live ones
      db.delete(sessions).where(lte(sessions.expiresAt, now)).run();
      byLogin.clear(name);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = now + idleMs;
      // the session, the user's last sign-in and the caller's record of it (the audit row) land together
      const user = db.$client.transaction(() => {
        db.insert(sessions)
          .values({ tokenHash: tokenHash(token), userId: row.id, createdAt: now, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 200) ?? null })
          .run();
        db.update(users).set({ lastSignInAt: now }).where(eq(users.id, row.id)).run();
        const u = get(row.id);
        record?.(u);
        return u;
      })();
      return { ok: true, token, user, expiresAt };
    },

    /** The active user a session token belongs to, sliding its expiry; null when unknown, expired or deactivated. */
    authenticate(token: string | undefined): { user: User; sessionId: string } | null {
      if (!token) return null;
      const now = wallNow();
      const id = tokenHash(token);
      const s = sessionOf.get(id, now);
      if (!s?.active) return null;
      // slide the idle expiry, at most once a minute per session, never past the absolute limit
      const next = Math.min(now + idleMs, s.session_created_at + maxMs);
      if (next - s.expires_at > 60_000) slide(next, id);
      const user: User = {
        id: s.id,
        login: s.login,
        displayName: s.display_name,
        roles: JSON.parse(s.roles) as RoleT[],
        active: true,
        createdAt: s.created_at,
        lastSignInAt: s.last_sign_in_at,
        locale: localeOf(s.locale),
      };
      return { user, sessionId: id };
    },

    signOut(token: string | undefined): void {
      if (token)
        db.delete(sessions)
          .where(eq(sessions.tokenHash, tokenHash(token)))
          .run();
    },

    /** The UI language a user chose (null: no choice, the browser's language then the workspace's default apply). */
    setLocale(id: string, locale: string | null): User {
      get(id);
      const value = locale === null ? null : Locale.parse(locale);
      db.update(users).set({ locale: value, updatedAt: wallNow() }).where(eq(users.id, id)).run();
      return get(id);
    },

    /** Change one's own password, knowing the current one. */
    changePassword(id: string, current: string, next: string, keepSession: string | null = null): void {
      const row = db.select().from(users).where(eq(users.id, id)).get();
      if (!row || !verifyPasswordSync(current, row.passwordHash)) throw refuse('BAD_REQUEST', 'wrong_password', {});
      service.setPassword(id, next, keepSession);
    },

    /**
     * First start: an empty users table gets an admin, from ADMIN_LOGIN /
     * ADMIN_PASSWORD when given, else `admin` with a generated password that
     * is returned (for the start-up log) and never stored in clear.
     */
    ensureFirstAdmin(given: { login?: string; password?: string }): { login: string; password: string | null } | null {
      if (service.count() > 0) return null;
      const login = Login.parse(given.login ?? 'admin');
      const password = given.password ?? generatePassword();
      service.create({ login, displayName: login === 'admin' ? 'Administrator' : login, password, roles: ['admin'] });
      return { login, password: given.password ? null : password };
    },

    /** Does this user hold this role (admins hold them all)? */
    can: (u: Pick<User, 'roles'>, role: RoleT): boolean => hasRole(u.roles, role),
  };
  return service;
}

export type UserService = ReturnType<typeof createUserService>;
